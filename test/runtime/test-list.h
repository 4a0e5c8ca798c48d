/*
 * test-list.h - the registry of runtime tests, one line per test, grouped by
 * the subsystem (test file) that defines them.
 */
#include "test.h"

TEST_DECLARE(task_transitions)
TEST_DECLARE(task_wake_consumes_ref)
TEST_DECLARE(task_frame_stack)
TEST_DECLARE(task_frame_stack_large)
TEST_DECLARE(task_foreign_wake_pingpong)
TEST_DECLARE(task_foreign_wake_burst)
TEST_DECLARE(timer_heap_order)
TEST_DECLARE(timer_heap_remove)
TEST_DECLARE(timer_fire_order)
TEST_DECLARE(executor_block_on_null)
TEST_DECLARE(executor_block_on_result)
TEST_DECLARE(executor_block_on_nested)
TEST_DECLARE(executor_spawn_join)
TEST_DECLARE(executor_spawn_10000)
TEST_DECLARE(executor_spawn_detach_10000)
TEST_DECLARE(executor_spawn_outside)
TEST_DECLARE(executor_leftover_task)
TEST_DECLARE(executor_unreachable_task)
TEST_DECLARE(executor_concurrent_block_on)
TEST_DECLARE(join_null)
TEST_DECLARE(join_completed)
TEST_DECLARE(join_cancel)
TEST_DECLARE(sleep_root)
TEST_DECLARE(sleep_zero)
TEST_DECLARE(sleep_await)
TEST_DECLARE(sleep_cancel)
TEST_DECLARE(sleep_cancel_after_fire)
TEST_DECLARE(sleep_blocking)
TEST_DECLARE(yield_interleave)
TEST_DECLARE(yield_cancel)
TEST_DECLARE(sched_steal)
TEST_DECLARE(sched_million)
TEST_DECLARE(sched_foreign_wakes)
TEST_DECLARE(sched_timers_under_load)
TEST_DECLARE(io_echo)
TEST_DECLARE(io_peer_reset)
TEST_DECLARE(io_bad_fd)
TEST_DECLARE(io_cancel)
TEST_DECLARE(io_blocking)

#define TEST_ENTRY(name) { #name, run_test_##name },
#define TASK_LIST_START static const struct test_entry TASKS[] = {
#define TASK_LIST_END { NULL, NULL } };

TASK_LIST_START
  TEST_ENTRY(task_transitions)
  TEST_ENTRY(task_wake_consumes_ref)
  TEST_ENTRY(task_frame_stack)
  TEST_ENTRY(task_frame_stack_large)
  TEST_ENTRY(task_foreign_wake_pingpong)
  TEST_ENTRY(task_foreign_wake_burst)

  TEST_ENTRY(timer_heap_order)
  TEST_ENTRY(timer_heap_remove)
  TEST_ENTRY(timer_fire_order)

  TEST_ENTRY(executor_block_on_null)
  TEST_ENTRY(executor_block_on_result)
  TEST_ENTRY(executor_block_on_nested)
  TEST_ENTRY(executor_spawn_join)
  TEST_ENTRY(executor_spawn_10000)
  TEST_ENTRY(executor_spawn_detach_10000)
  TEST_ENTRY(executor_spawn_outside)
  TEST_ENTRY(executor_leftover_task)
  TEST_ENTRY(executor_unreachable_task)
  TEST_ENTRY(executor_concurrent_block_on)

  TEST_ENTRY(join_null)
  TEST_ENTRY(join_completed)
  TEST_ENTRY(join_cancel)

  TEST_ENTRY(sleep_root)
  TEST_ENTRY(sleep_zero)
  TEST_ENTRY(sleep_await)
  TEST_ENTRY(sleep_cancel)
  TEST_ENTRY(sleep_cancel_after_fire)
  TEST_ENTRY(sleep_blocking)

  TEST_ENTRY(yield_interleave)
  TEST_ENTRY(yield_cancel)

  TEST_ENTRY(sched_steal)
  TEST_ENTRY(sched_million)
  TEST_ENTRY(sched_foreign_wakes)
  TEST_ENTRY(sched_timers_under_load)

  TEST_ENTRY(io_echo)
  TEST_ENTRY(io_peer_reset)
  TEST_ENTRY(io_bad_fd)
  TEST_ENTRY(io_cancel)
  TEST_ENTRY(io_blocking)
TASK_LIST_END
