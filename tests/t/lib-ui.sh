# lib-ui.sh - starting and stopping the collector's window in a test.
#
#   ui_setup [NAME]      coordinator, kit, collector home with an organisation
#                        (by default a name with markup, to be escaped)
#   ui_start [VAR=VALUE...]
#                        collector ui --no-browser in the background, with
#                        these variables in its environment: $UI_URL (the
#                        one-time address), $UI_PORT, $UI_BASE, $UI_PID
#   ui_open              uses the one-time address with curl: cookie in ui.jar,
#                        the page's CSRF key in $UI_CSRF
#   ui_get PATH          curl with the cookie, body on stdout
#   ui_store_sum         a digest of the store's content (sqlite3 .dump)
#   ui_stop              SIGTERM, waits, checks the goodbye
#
# The server's own messages go to ui.err.

ui_setup() {
	merger init --name "Coordination nationale" >/dev/null 2>&1 &&
	merger kit -o national.kit 2>/dev/null &&
	collector init --kit national.kit --org "${1:-Hors <b>la</b> Rue}" --kind association \
		--dept 75,93 >/dev/null &&
	collector request -o hlr.request 2>/dev/null &&
	{ merger enroll --yes hlr.request >/dev/null 2>&1; true; }
}

ui_start() {
	rm -f ui.url ui.err
	env "$@" collector ui --no-browser >ui.url 2>ui.err &
	UI_PID=$!
	_i=0
	while [ $_i -lt 100 ] && ! grep -q '^http://' ui.url 2>/dev/null; do
		sleep 0.1
		_i=$((_i + 1))
	done
	UI_URL=$(sed -n '1p' ui.url)
	UI_PORT=$(printf '%s\n' "$UI_URL" | sed -n 's,^http://127\.0\.0\.1:\([0-9]*\)/.*,\1,p')
	UI_BASE="http://127.0.0.1:$UI_PORT"
	[ -n "$UI_PORT" ]
}

ui_open() {
	rm -f ui.jar
	curl -sS -o /dev/null -c ui.jar "$UI_URL" &&
	UI_CSRF=$(curl -sS -b ui.jar "$UI_BASE/" |
		sed -n 's/.*<meta name="csrf" content="\([0-9a-f]*\)".*/\1/p') &&
	[ ${#UI_CSRF} -eq 64 ]
}

ui_get() {
	curl -sS -b ui.jar "$UI_BASE$1"
}

ui_store_sum() {
	sqlite3 "$COLLECTOR_HOME/store.db" .dump | sha256sum
}

ui_stop() {
	kill -TERM "$UI_PID" 2>/dev/null
	wait "$UI_PID"
	_rc=$?
	UI_PID=
	[ $_rc -eq 0 ] && grep -q "fenêtre fermée" ui.err
}
