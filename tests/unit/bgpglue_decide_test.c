/*
 * bgpglue decisions with a fake clock: rise/fall hysteresis, forced down on
 * process death, drain then withdraw, undrain, hold-down with backoff.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bgpglue/check.h"
#include "bgpglue/decide.h"

START_TEST(test_rise_fall)
{
	struct check	c;
	int		i;

	check_init(&c, "ctl", 3, 2);
	ck_assert_int_eq(c.up, 0);
	ck_assert_int_eq(check_result(&c, 1, "ok"), 0);
	ck_assert_int_eq(check_result(&c, 1, "ok"), 0);
	ck_assert_int_eq(check_result(&c, 0, "timeout"), 0);	/* resets */
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(check_result(&c, 1, "ok"), 0);
	ck_assert_int_eq(check_result(&c, 1, "ok"), 1);	/* third in a row */
	ck_assert_int_eq(c.up, 1);
	ck_assert_int_eq(check_result(&c, 0, "timeout"), 0);	/* fall 2 */
	ck_assert_int_eq(check_result(&c, 1, "ok"), 0);
	ck_assert_int_eq(check_result(&c, 0, "timeout"), 0);
	ck_assert_int_eq(check_result(&c, 0, "timeout"), 1);
	ck_assert_int_eq(c.up, 0);
	ck_assert_str_eq(c.why, "timeout");
	for (i = 0; i < 3; i++)
		check_result(&c, 1, "ok");
	ck_assert_int_eq(c.up, 1);
	/* Death does not wait for fall. */
	ck_assert_int_eq(check_force_down(&c, "control socket closed"), 1);
	ck_assert_int_eq(c.up, 0);
	ck_assert_int_eq(check_force_down(&c, "again"), 0);
	ck_assert_int_eq(check_result(&c, 1, "ok"), 0);	/* rise again */
}
END_TEST

static const struct decide_cfg cfg = {
	.drain_ms = 5000,
	.flap_window_ms = 60000,
	.flap_max = 3,
	.holddown_ms = 10000,
	.holddown_max_ms = 40000,
};

START_TEST(test_announce_withdraw)
{
	struct decide	d;
	uint64_t	t = 1000;

	decide_init(&d, &cfg, t);
	ck_assert(!decide_announced(&d));
	ck_assert_int_eq(decide_eval(&d, t, 0, 0, "rising"), 0);
	ck_assert_int_eq(decide_eval(&d, t += 100, 1, 0, "ctl ok"), 1);
	ck_assert_int_eq(d.state, DECIDE_ANNOUNCED);
	ck_assert(strstr(d.reason, "ctl ok") != NULL);
	ck_assert_int_eq(decide_eval(&d, t += 100, 1, 0, "ctl ok"), 0);
	ck_assert_int_eq(decide_eval(&d, t += 100, 0, 0, "relay died"), 1);
	ck_assert_int_eq(d.state, DECIDE_WITHDRAWN);
	ck_assert(strstr(d.reason, "relay died") != NULL);
	ck_assert_int_eq(decide_deadline(&d), 0);
}
END_TEST

START_TEST(test_drain)
{
	struct decide	d;
	uint64_t	t = 1000;

	decide_init(&d, &cfg, t);
	decide_eval(&d, t, 1, 0, "ok");
	ck_assert_int_eq(decide_eval(&d, t += 10, 1, 1, "ok"), 1);
	ck_assert_int_eq(d.state, DECIDE_DRAINING);
	ck_assert(decide_announced(&d));	/* with the drain tag */
	ck_assert_uint_eq(decide_deadline(&d), t + 5000);
	ck_assert_int_eq(decide_eval(&d, t + 4999, 1, 1, "ok"), 0);
	ck_assert_int_eq(decide_eval(&d, t + 5000, 1, 1, "ok"), 1);
	ck_assert_int_eq(d.state, DECIDE_DRAINED);
	ck_assert(!decide_announced(&d));
	t += 6000;
	ck_assert_int_eq(decide_eval(&d, t, 1, 1, "ok"), 0);
	ck_assert_int_eq(decide_eval(&d, t += 10, 1, 0, "ok"), 1);
	ck_assert_int_eq(d.state, DECIDE_ANNOUNCED);
	/* Undrain in the middle of the drain time: back to normal tag. */
	decide_eval(&d, t += 10, 1, 1, "ok");
	ck_assert_int_eq(d.state, DECIDE_DRAINING);
	ck_assert_int_eq(decide_eval(&d, t += 10, 1, 0, "ok"), 1);
	ck_assert_int_eq(d.state, DECIDE_ANNOUNCED);
	/* A failure while draining withdraws at once. */
	decide_eval(&d, t += 10, 1, 1, "ok");
	ck_assert_int_eq(decide_eval(&d, t += 10, 0, 1, "dead"), 1);
	ck_assert_int_eq(d.state, DECIDE_DRAINED);
	ck_assert(!decide_announced(&d));
	/* Undrained but unhealthy: withdrawn, not announced. */
	ck_assert_int_eq(decide_eval(&d, t += 10, 0, 0, "dead"), 1);
	ck_assert_int_eq(d.state, DECIDE_WITHDRAWN);
}
END_TEST

START_TEST(test_holddown_backoff)
{
	struct decide	d;
	uint64_t	t = 1000;
	int		i;

	decide_init(&d, &cfg, t);
	/* Three withdrawals within the window. */
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(decide_eval(&d, t += 100, 1, 0, "ok"), 1);
		ck_assert_int_eq(d.state, DECIDE_ANNOUNCED);
		ck_assert_int_eq(decide_eval(&d, t += 100, 0, 0, "bad"), 1);
	}
	ck_assert_int_eq(decide_eval(&d, t += 100, 1, 0, "ok"), 1);
	ck_assert_int_eq(d.state, DECIDE_HOLDDOWN);
	ck_assert(!decide_announced(&d));
	ck_assert_uint_eq(decide_deadline(&d), t + 10000);
	ck_assert_int_eq(decide_eval(&d, t + 9999, 1, 0, "ok"), 0);
	t += 10000;
	ck_assert_int_eq(decide_eval(&d, t, 1, 0, "ok"), 1);
	ck_assert_int_eq(d.state, DECIDE_ANNOUNCED);
	/* Flapping again: the hold-down doubles. */
	for (i = 0; i < 3; i++) {
		decide_eval(&d, t += 100, 0, 0, "bad");
		if (i < 2)
			decide_eval(&d, t += 100, 1, 0, "ok");
	}
	ck_assert_int_eq(decide_eval(&d, t += 100, 1, 0, "ok"), 1);
	ck_assert_int_eq(d.state, DECIDE_HOLDDOWN);
	ck_assert_uint_eq(decide_deadline(&d), t + 20000);
	/* Unhealthy when the hold-down ends: withdrawn. */
	t += 20000;
	ck_assert_int_eq(decide_eval(&d, t, 0, 0, "bad"), 1);
	ck_assert_int_eq(d.state, DECIDE_WITHDRAWN);
	ck_assert_int_eq(decide_eval(&d, t += 10, 1, 0, "ok"), 1);
	ck_assert_int_eq(d.state, DECIDE_ANNOUNCED);
	/* A stable window resets the backoff to the base. */
	decide_eval(&d, t += 60000, 1, 0, "ok");
	ck_assert_uint_eq(d.holddown_cur, 10000);
	/* Flaps spread wider than the window do not hold down. */
	for (i = 0; i < 4; i++) {
		decide_eval(&d, t += 30000, 0, 0, "bad");
		ck_assert_int_eq(decide_eval(&d, t += 1, 1, 0, "ok"), 1);
		ck_assert_int_eq(d.state, DECIDE_ANNOUNCED);
	}
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("bgpglue_decide");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 nf;

	tcase_add_test(tc, test_rise_fall);
	tcase_add_test(tc, test_announce_withdraw);
	tcase_add_test(tc, test_drain);
	tcase_add_test(tc, test_holddown_backoff);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
