/*
 * pbuf/wbuf: every getter stops at the end and leaves the cursor alone,
 * byte order is network order, sub-cursors cannot escape their parent,
 * and a writer that overflows writes nothing more and stays failed.
 */
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "pbuf.h"

static const uint8_t bytes[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b
};

START_TEST(test_get_order)
{
	struct pbuf	b;
	uint8_t		v8;
	uint16_t	v16;
	uint32_t	v32;
	uint64_t	v64;

	pbuf_init(&b, bytes, 11);
	ck_assert_int_eq(pbuf_get_n8(&b, &v8), 0);
	ck_assert_uint_eq(v8, 0x01);
	ck_assert_int_eq(pbuf_get_n16(&b, &v16), 0);
	ck_assert_uint_eq(v16, 0x0203);
	ck_assert_int_eq(pbuf_get_n32(&b, &v32), 0);
	ck_assert_uint_eq(v32, 0x04050607);
	ck_assert_uint_eq(pbuf_left(&b), 4);
	/* 4 left: a 64-bit read fails and consumes nothing. */
	ck_assert_int_eq(pbuf_get_n64(&b, &v64), -1);
	ck_assert_uint_eq(pbuf_left(&b), 4);
	ck_assert_int_eq(pbuf_get_n32(&b, &v32), 0);
	ck_assert_uint_eq(v32, 0x08090a0b);
	ck_assert_uint_eq(pbuf_left(&b), 0);
	ck_assert_int_eq(pbuf_get_n8(&b, &v8), -1);

	pbuf_init(&b, bytes, 9);
	ck_assert_int_eq(pbuf_get_n64(&b, &v64), 0);
	ck_assert(v64 == 0x0102030405060708ULL);
	ck_assert_uint_eq(pbuf_left(&b), 1);
}
END_TEST

START_TEST(test_short_reads_leave_cursor)
{
	struct pbuf	b;
	uint8_t		out[16];
	uint16_t	v16;
	uint32_t	v32;

	pbuf_init(&b, bytes, 3);
	ck_assert_int_eq(pbuf_get_n32(&b, &v32), -1);
	ck_assert_int_eq(pbuf_get(&b, out, 4), -1);
	ck_assert_int_eq(pbuf_skip(&b, 4), -1);
	ck_assert_uint_eq(pbuf_left(&b), 3);
	ck_assert_int_eq(pbuf_skip(&b, 2), 0);
	ck_assert_int_eq(pbuf_get_n16(&b, &v16), -1);
	ck_assert_uint_eq(pbuf_left(&b), 1);
	ck_assert_int_eq(pbuf_get(&b, out, 0), 0);
	ck_assert_int_eq(pbuf_get(&b, out, 1), 0);
	ck_assert_uint_eq(out[0], 0x03);
	/* NULL data is an empty buffer whatever the length says. */
	pbuf_init(&b, NULL, 100);
	ck_assert_uint_eq(pbuf_left(&b), 0);
	ck_assert_int_eq(pbuf_skip(&b, 1), -1);
}
END_TEST

START_TEST(test_peek)
{
	struct pbuf	b;
	uint8_t		v8, out[4];
	uint16_t	v16;

	pbuf_init(&b, bytes, 5);
	ck_assert_int_eq(pbuf_peek_n8(&b, 4, &v8), 0);
	ck_assert_uint_eq(v8, 0x05);
	ck_assert_int_eq(pbuf_peek_n8(&b, 5, &v8), -1);
	ck_assert_int_eq(pbuf_peek_n16(&b, 3, &v16), 0);
	ck_assert_uint_eq(v16, 0x0405);
	ck_assert_int_eq(pbuf_peek_n16(&b, 4, &v16), -1);
	/* An offset near SIZE_MAX must not wrap around. */
	ck_assert_int_eq(pbuf_peek(&b, SIZE_MAX, out, 1), -1);
	ck_assert_int_eq(pbuf_peek(&b, 1, out, SIZE_MAX), -1);
	ck_assert_int_eq(pbuf_peek(&b, 1, out, 4), 0);
	ck_assert_mem_eq(out, bytes + 1, 4);
	ck_assert_uint_eq(pbuf_left(&b), 5);
}
END_TEST

START_TEST(test_sub)
{
	struct pbuf	b, sub;
	uint32_t	v32;
	uint8_t		v8;

	pbuf_init(&b, bytes, 11);
	ck_assert_int_eq(pbuf_sub(&b, 12, &sub), -1);
	ck_assert_uint_eq(pbuf_left(&b), 11);
	ck_assert_int_eq(pbuf_sub(&b, 3, &sub), 0);
	ck_assert_uint_eq(pbuf_left(&b), 8);
	ck_assert_uint_eq(pbuf_left(&sub), 3);
	/* The child ends where it was cut, although the parent goes on. */
	ck_assert_int_eq(pbuf_get_n32(&sub, &v32), -1);
	ck_assert_int_eq(pbuf_skip(&sub, 2), 0);
	ck_assert_int_eq(pbuf_get_n8(&sub, &v8), 0);
	ck_assert_uint_eq(v8, 0x03);
	ck_assert_int_eq(pbuf_get_n8(&sub, &v8), -1);
	ck_assert_int_eq(pbuf_get_n8(&b, &v8), 0);
	ck_assert_uint_eq(v8, 0x04);
}
END_TEST

START_TEST(test_wbuf)
{
	struct wbuf	w;
	uint8_t		buf[16], *len;
	static const uint8_t want[] = {
		0xaa, 0x01, 0x02, 0x00, 0x0e, 0x0a, 0x0b, 0x0c, 0x0d,
		0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05
	};

	memset(buf, 0xee, sizeof(buf));
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(wbuf_put_n8(&w, 0xaa), 0);
	ck_assert_int_eq(wbuf_put_n16(&w, 0x0102), 0);
	ck_assert_ptr_nonnull(len = wbuf_reserve(&w, 2));
	ck_assert_int_eq(wbuf_put_n32(&w, 0x0a0b0c0d), 0);
	ck_assert_int_eq(wbuf_put_zero(&w, 2), 0);
	ck_assert_int_eq(wbuf_put(&w, "\x01\x02\x03\x04\x05", 5), 0);
	wbuf_set_n16(len, 14);
	ck_assert(wbuf_ok(&w));
	ck_assert_uint_eq(w.len, 16);
	ck_assert_mem_eq(buf, want, 16);
	/* Full: nothing more is written and the error sticks. */
	ck_assert_int_eq(wbuf_put_n8(&w, 1), -1);
	ck_assert(!wbuf_ok(&w));
	ck_assert_uint_eq(w.len, 16);
}
END_TEST

START_TEST(test_wbuf_overflow_sticks)
{
	struct wbuf	w;
	uint8_t		buf[8];

	memset(buf, 0xee, sizeof(buf));
	wbuf_init(&w, buf, 6);
	ck_assert_int_eq(wbuf_put_n32(&w, 0x01020304), 0);
	ck_assert_int_eq(wbuf_put_n64(&w, 1), -1);	/* does not fit */
	ck_assert_uint_eq(w.len, 4);
	ck_assert_uint_eq(buf[4], 0xee);		/* nothing partial */
	/* Even a write that would fit now fails: the message is broken. */
	ck_assert_int_eq(wbuf_put_n8(&w, 9), -1);
	ck_assert_ptr_null(wbuf_reserve(&w, 0));
	ck_assert_uint_eq(buf[4], 0xee);
	ck_assert(!wbuf_ok(&w));
	wbuf_init(&w, buf, 8);
	ck_assert_int_eq(wbuf_put_n64(&w, 0x1122334455667788ULL), 0);
	ck_assert_mem_eq(buf, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	ck_assert_int_eq(wbuf_put(&w, "x", SIZE_MAX), -1);
}
END_TEST

static Suite *
pbuf_suite(void)
{
	Suite	*s = suite_create("pbuf");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_get_order);
	tcase_add_test(tc, test_short_reads_leave_cursor);
	tcase_add_test(tc, test_peek);
	tcase_add_test(tc, test_sub);
	tcase_add_test(tc, test_wbuf);
	tcase_add_test(tc, test_wbuf_overflow_sticks);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(pbuf_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
