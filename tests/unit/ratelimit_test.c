/*
 * Token bucket and log_rl on a fake millisecond clock: burst, refill by
 * rate, fractional refill kept, cap at burst, backwards clock, and the
 * suppressed counter of log_rl.
 */
#include <stdint.h>

#include <check.h>

#include "log.h"
#include "ratelimit.h"

static int
take_n(struct tbucket *b, uint64_t now, int tries)
{
	int	got = 0;

	while (tries-- > 0)
		got += tbucket_take(b, now);
	return got;
}

START_TEST(test_burst_then_empty)
{
	struct tbucket	b;

	tbucket_init(&b, 10, 5);
	ck_assert_int_eq(take_n(&b, 1000, 20), 5);
	ck_assert_int_eq(tbucket_take(&b, 1000), 0);
}
END_TEST

START_TEST(test_refill_rate)
{
	struct tbucket	b;

	tbucket_init(&b, 10, 5);
	ck_assert_int_eq(take_n(&b, 1000, 5), 5);
	/* 10/s: one token per 100 ms, not before. */
	ck_assert_int_eq(tbucket_take(&b, 1099), 0);
	ck_assert_int_eq(tbucket_take(&b, 1100), 1);
	ck_assert_int_eq(tbucket_take(&b, 1100), 0);
	/* 350 ms later: 3 tokens, the half token is kept for later. */
	ck_assert_int_eq(take_n(&b, 1450, 10), 3);
	ck_assert_int_eq(tbucket_take(&b, 1499), 0);
	ck_assert_int_eq(tbucket_take(&b, 1500), 1);
}
END_TEST

START_TEST(test_cap_at_burst)
{
	struct tbucket	b;

	tbucket_init(&b, 1000, 3);
	ck_assert_int_eq(take_n(&b, 10, 3), 3);
	/* An hour idle refills to the burst, not beyond. */
	ck_assert_int_eq(take_n(&b, 10 + 3600 * 1000, 100), 3);
}
END_TEST

START_TEST(test_clock_backwards)
{
	struct tbucket	b;

	tbucket_init(&b, 1, 1);
	ck_assert_int_eq(tbucket_take(&b, 5000), 1);
	ck_assert_int_eq(tbucket_take(&b, 1000), 0);	/* no refill */
	ck_assert_int_eq(tbucket_take(&b, 5999), 0);
	ck_assert_int_eq(tbucket_take(&b, 6000), 1);
}
END_TEST

START_TEST(test_zero_burst_is_one)
{
	struct tbucket	b;

	tbucket_init(&b, 0, 0);
	ck_assert_int_eq(take_n(&b, 1, 5), 1);
	ck_assert_int_eq(take_n(&b, 1000000, 5), 0);	/* rate 0 */
}
END_TEST

START_TEST(test_log_rl_counts_suppressed)
{
	struct log_rl	rl;
	int		i;

	log_init("ratelimit_test", 1, 0);
	log_rl_init(&rl, 1, 2);
	for (i = 0; i < 10; i++)
		log_rl(&rl, 100, "flood %d", i);
	ck_assert_uint_eq(rl.suppressed, 8);
	/* The next line that passes reports and resets the count. */
	log_rl(&rl, 1100, "after");
	ck_assert_uint_eq(rl.suppressed, 0);
}
END_TEST

static Suite *
ratelimit_suite(void)
{
	Suite	*s = suite_create("ratelimit");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_burst_then_empty);
	tcase_add_test(tc, test_refill_rate);
	tcase_add_test(tc, test_cap_at_burst);
	tcase_add_test(tc, test_clock_backwards);
	tcase_add_test(tc, test_zero_burst_is_one);
	tcase_add_test(tc, test_log_rl_counts_suppressed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(ratelimit_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
