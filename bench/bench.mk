# bench.mk - builds the benchmark programs with the flags of the main
# Makefile.  bench/run uses it as
#
#   make -f Makefile -f bench/bench.mk bench-tools
#
# so that ALL_CFLAGS, LDLIBS and BUILD are the project's own.

BENCH_DIR  := $(BUILD)/bench
BENCH_DEPS := bench/fleet.c bench/fleet.h $(BUILD)/libformat.a

.PHONY: bench-tools
bench-tools: $(BENCH_DIR)/gen $(BENCH_DIR)/sqlite_limit

$(BENCH_DIR)/gen: bench/gen.c $(BENCH_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ibench -o $@ bench/gen.c bench/fleet.c \
		$(BUILD)/libformat.a $(LDLIBS)

$(BENCH_DIR)/sqlite_limit: bench/sqlite_limit.c merger/schema.c merger/schema.h $(BENCH_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ibench -Imerger -o $@ bench/sqlite_limit.c bench/fleet.c \
		merger/schema.c $(BUILD)/libformat.a $(LDLIBS)
