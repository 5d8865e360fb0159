/* check_document.c: unit tests for core/document.c (kinds of files,
 * positions in them, names and breadcrumbs) and core/listing.c (the
 * entries of a directory listing, fed in pieces of every size). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "document.h"
#include "listing.h"

static apr_pool_t *pool;

static void pool_setup(void)
{
    apr_initialize();
    apr_pool_create(&pool, NULL);
}

static void pool_teardown(void)
{
    apr_pool_destroy(pool);
    apr_terminate();
}

START_TEST(test_kinds_by_content_type)
{
    ck_assert_int_eq(social_document_kind_of("application/pdf"), SOCIAL_DOCUMENT_PDF);
    ck_assert_int_eq(social_document_kind_of("Application/PDF ; x=1"), SOCIAL_DOCUMENT_PDF);
    ck_assert_int_eq(social_document_kind_of("video/webm"), SOCIAL_DOCUMENT_VIDEO);
    ck_assert_int_eq(social_document_kind_of("audio/x-wav"), SOCIAL_DOCUMENT_AUDIO);
    ck_assert_int_eq(social_document_kind_of("image/png"), SOCIAL_DOCUMENT_IMAGE);
    ck_assert_int_eq(social_document_kind_of("text/plain; charset=utf-8"), SOCIAL_DOCUMENT_TEXT);
    ck_assert_int_eq(social_document_kind_of("text/html;charset=UTF-8"), SOCIAL_DOCUMENT_HTML);
    ck_assert_int_eq(social_document_kind_of("video/x-msvideo"), SOCIAL_DOCUMENT_OTHER);
    ck_assert_int_eq(social_document_kind_of("application/pdfx"), SOCIAL_DOCUMENT_OTHER);
    ck_assert_int_eq(social_document_kind_of(NULL), SOCIAL_DOCUMENT_OTHER);
}
END_TEST

static const char *parse(const char *text, social_document_kind kind, social_position *pos)
{
    return social_position_parse_text(text, kind, pos);
}

START_TEST(test_positions_typed_into_a_form)
{
    social_position pos;

    ck_assert_ptr_null(parse("42", SOCIAL_DOCUMENT_VIDEO, &pos));
    ck_assert_int_eq(pos.kind, SOCIAL_POSITION_TIME);
    ck_assert_int_eq(pos.value, 42);
    ck_assert_ptr_null(parse(" 0:42 ", SOCIAL_DOCUMENT_AUDIO, &pos));
    ck_assert_int_eq(pos.value, 42);
    ck_assert_ptr_null(parse("1:02:03", SOCIAL_DOCUMENT_VIDEO, &pos));
    ck_assert_int_eq(pos.value, 3723);
    ck_assert_ptr_null(parse("99:59:59", SOCIAL_DOCUMENT_VIDEO, &pos));
    ck_assert_int_eq(pos.value, SOCIAL_POSITION_TIME_MAX);
    ck_assert_ptr_nonnull(parse("100:00:00", SOCIAL_DOCUMENT_VIDEO, &pos));
    ck_assert_ptr_nonnull(parse("1:5", SOCIAL_DOCUMENT_VIDEO, &pos));
    ck_assert_ptr_nonnull(parse("0:60", SOCIAL_DOCUMENT_VIDEO, &pos));
    ck_assert_ptr_nonnull(parse("1:00:00:00", SOCIAL_DOCUMENT_VIDEO, &pos));
    ck_assert_ptr_nonnull(parse(":42", SOCIAL_DOCUMENT_VIDEO, &pos));
    ck_assert_ptr_nonnull(parse("42:", SOCIAL_DOCUMENT_VIDEO, &pos));
    ck_assert_ptr_nonnull(parse("-3", SOCIAL_DOCUMENT_VIDEO, &pos));
    ck_assert_ptr_null(parse("3", SOCIAL_DOCUMENT_PDF, &pos));
    ck_assert_int_eq(pos.kind, SOCIAL_POSITION_PAGE);
    ck_assert_int_eq(pos.value, 3);
    ck_assert_ptr_nonnull(parse("0", SOCIAL_DOCUMENT_PDF, &pos));
    ck_assert_ptr_nonnull(parse("100001", SOCIAL_DOCUMENT_PDF, &pos));
    ck_assert_ptr_nonnull(parse("1:00", SOCIAL_DOCUMENT_PDF, &pos));
    ck_assert_ptr_nonnull(parse("3", SOCIAL_DOCUMENT_IMAGE, &pos));
    /* blank is no position, whatever the document */
    ck_assert_ptr_null(parse("  ", SOCIAL_DOCUMENT_IMAGE, &pos));
    ck_assert_int_eq(pos.kind, SOCIAL_POSITION_NONE);
    ck_assert_ptr_null(parse(NULL, SOCIAL_DOCUMENT_PDF, &pos));
    ck_assert_int_eq(pos.kind, SOCIAL_POSITION_NONE);
}
END_TEST

START_TEST(test_positions_checked_and_written)
{
    social_position t = { SOCIAL_POSITION_TIME, 42 }, page = { SOCIAL_POSITION_PAGE, 3 };
    social_position hour = { SOCIAL_POSITION_TIME, 3723 };

    ck_assert_ptr_null(social_position_check(&t, SOCIAL_DOCUMENT_VIDEO));
    ck_assert_ptr_nonnull(social_position_check(&t, SOCIAL_DOCUMENT_PDF));
    ck_assert_ptr_nonnull(social_position_check(&page, SOCIAL_DOCUMENT_AUDIO));
    ck_assert_ptr_nonnull(social_position_check(&page, SOCIAL_DOCUMENT_HTML));
    ck_assert_str_eq(social_position_fragment(pool, &t), "t=42");
    ck_assert_str_eq(social_position_fragment(pool, &page), "page=3");
    ck_assert_str_eq(social_position_label(pool, &t), "0:42");
    ck_assert_str_eq(social_position_label(pool, &hour), "1:02:03");
    ck_assert_str_eq(social_position_label(pool, &page), "page 3");
}
END_TEST

START_TEST(test_names_and_breadcrumbs)
{
    apr_array_header_t *c = apr_array_make(pool, 8, sizeof(const char *));

    ck_assert_str_eq(social_document_file_name(pool, "/training/safety.pdf"), "safety.pdf");
    ck_assert_str_eq(social_document_file_name(pool, "/training/"), "training");
    ck_assert_str_eq(social_document_file_name(pool, "/"), "/");
    social_document_breadcrumbs(pool, "/training/2026/safety.pdf", c);
    ck_assert_int_eq(c->nelts, 6);
    ck_assert_str_eq(APR_ARRAY_IDX(c, 0, const char *), "/");
    ck_assert_str_eq(APR_ARRAY_IDX(c, 2, const char *), "/training/");
    ck_assert_str_eq(APR_ARRAY_IDX(c, 3, const char *), "training");
    ck_assert_str_eq(APR_ARRAY_IDX(c, 4, const char *), "/training/2026/");
    ck_assert_str_eq(APR_ARRAY_IDX(c, 5, const char *), "2026");
}
END_TEST

static const char LISTING[] =
    "<html><body><h1>Index of /t</h1><table><tr><th><a href=\"?C=N;O=D\">Name</a></th></tr>\n"
    "<tr><td><a href=\"/\">Parent Directory</a></td></tr>\n"
    "<tr><td><A HREF='safety%202026.pdf'>safety 2026.pdf</A ></td></tr>\n"
    "<tr><td><a class=\"x\" href=\"videos/\">videos/</a></td></tr>\n"
    "<tr><td><a href=\"a&amp;b.pdf\">a&amp;b.pdf</a></td><td>a > b</td></tr>\n"
    "<tr><td><a href=\"../up\">up</a><a name=\"n\">no href</a></td></tr></table></body></html>\n";

/* The entries found feeding the listing in pieces of size step, joined
 * with '|' as "OFFSET:PATH". */
static const char *entries(size_t step)
{
    social_listing *l = malloc(sizeof(*l));
    const char *out = "";
    size_t pos = 0, len = strlen(LISTING);

    social_listing_init(l);
    while (pos < len) {
        size_t piece = len - pos < step ? len - pos : step, done = 0;
        while (done < piece) {
            int found = 0;
            done += social_listing_feed(l, LISTING + pos + done, piece - done, &found);
            if (found) {
                size_t href_len;
                const char *href = social_listing_href(l, &href_len);
                const char *path = social_listing_entry(pool, "/t/", href, href_len);
                out = apr_psprintf(pool, "%s%lu:%s|", out,
                                   (unsigned long)social_listing_offset(l),
                                   path ? path : "-");
            }
        }
        pos += piece;
    }
    free(l);
    return out;
}

START_TEST(test_listing_entries_in_every_split)
{
    const char *whole = entries(strlen(LISTING));
    const char *after = strstr(LISTING, "safety 2026.pdf</A >") + strlen("safety 2026.pdf</A >");
    size_t step;

    ck_assert_str_eq(whole, apr_psprintf(pool,
        "%lu:-|%lu:-|%lu:/t/safety%%202026.pdf|%lu:/t/videos/|%lu:-|%lu:-|",
        (unsigned long)(strstr(LISTING, "Name</a>") + 8 - LISTING),
        (unsigned long)(strstr(LISTING, "Directory</a>") + 13 - LISTING),
        (unsigned long)(after - LISTING),
        (unsigned long)(strstr(LISTING, "videos/</a>") + 11 - LISTING),
        (unsigned long)(strstr(LISTING, "a&amp;b.pdf</a>") + 15 - LISTING),
        (unsigned long)(strstr(LISTING, ">up</a>") + 7 - LISTING)));
    for (step = 1; step < strlen(LISTING); step++) {
        ck_assert_str_eq(entries(step), whole);
    }
}
END_TEST

START_TEST(test_listing_entry_paths)
{
    ck_assert_str_eq(social_listing_entry(pool, "/t/", "a.pdf", 5), "/t/a.pdf");
    ck_assert_str_eq(social_listing_entry(pool, "/t/", "sub/", 4), "/t/sub/");
    ck_assert_ptr_null(social_listing_entry(pool, "/t/", "a/b.pdf", 7));
    ck_assert_ptr_null(social_listing_entry(pool, "/t/", "http://x/", 9));
    ck_assert_ptr_null(social_listing_entry(pool, "/t/", "?C=M", 4));
    ck_assert_ptr_null(social_listing_entry(pool, "/t/", "..", 2));
    ck_assert_ptr_null(social_listing_entry(pool, "/t/", "", 0));
    ck_assert_ptr_null(social_listing_entry(pool, "/t", "a.pdf", 5));
}
END_TEST

/* The title of the PDF text given whole (head and tail the same bytes). */
static const char *pdf_title_of(const char *pdf, const char **charset, size_t *len)
{
    return social_document_pdf_title(pool, pdf, strlen(pdf), pdf, strlen(pdf), len, charset);
}

START_TEST(test_pdf_titles)
{
    const char *charset;
    size_t len;
    const char *t;
    static const char *plain =
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        "3 0 obj\n<< /Producer (x (nested) \\) y) /Kids [1 0 R <</A 2>>] "
        "/Title (Safety \\(2026\\)\\051 plan) >>\nendobj\n"
        "trailer\n<< /Size 4 /Root 1 0 R /Info 3 0 R >>\nstartxref\n9\n%%EOF\n";
    static const char *utf16 =
        "%PDF-1.7\n7 0 obj<</Title<FEFF 0053 00E9 0063 D83D DE00>>>endobj\n"
        "trailer<</Info 7 0 R/Root 1 0 R>>\n%%EOF";
    /* an update: the newer Info object (the last one) counts */
    static const char *updated =
        "%PDF-1.4\n4 0 obj\n<< /Title (Old) >>\nendobj\ntrailer << /Info 4 0 R >>\n"
        "14 0 obj\n<< /Title (Not this one) >>\nendobj\n"
        "4 0 obj\n<< /Author (a) /Title (New \\351) >>\nendobj\ntrailer << /Info 4 0 R >>\n";

    t = pdf_title_of(plain, &charset, &len);
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(apr_pstrmemdup(pool, t, len), "Safety (2026)) plan");
    ck_assert_str_eq(charset, "windows-1252");
    t = pdf_title_of(utf16, &charset, &len);
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(apr_pstrmemdup(pool, t, len), "S\xc3\xa9" "c\xf0\x9f\x98\x80");
    ck_assert_str_eq(charset, "utf-8");
    t = pdf_title_of(updated, &charset, &len);
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(apr_pstrmemdup(pool, t, len), "New \xe9");
    /* none: no Info, a title that is a reference, Info in an object
     * stream (not in the bytes), not a PDF, a malformed string */
    ck_assert_ptr_null(pdf_title_of("%PDF-1.4\ntrailer << /Root 1 0 R >>\n", &charset, &len));
    ck_assert_ptr_null(pdf_title_of("%PDF-1.4\n2 0 obj << /Title 5 0 R >> endobj\n"
                                    "trailer << /Info 2 0 R >>", &charset, &len));
    ck_assert_ptr_null(pdf_title_of("%PDF-1.5\n9 0 obj << /Type /XRef /Info 12 0 R >> "
                                    "stream\n...", &charset, &len));
    ck_assert_ptr_null(pdf_title_of("<html>/Info 1 0 R 1 0 obj << /Title (x) >>",
                                    &charset, &len));
    ck_assert_ptr_null(pdf_title_of("%PDF-1.4\n1 0 obj << /Title (never closed >>\n"
                                    "trailer << /Info 1 0 R >>", &charset, &len));
    ck_assert_ptr_null(pdf_title_of("%PDF-1.4\n21 0 obj << /Title (not 1) >>\n"
                                    "trailer << /Info 1 0 R >>", &charset, &len));
    /* the head and the tail of a large file, read apart */
    t = social_document_pdf_title(pool, "%PDF-1.4\n5 0 obj\n<</Title(Far)>>\nendobj\n", 38,
                                  "trailer\n<</Info 5 0 R>>\n%%EOF\n", 28, &len, &charset);
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(apr_pstrmemdup(pool, t, len), "Far");
}
END_TEST

static Suite *document_suite(void)
{
    Suite *s = suite_create("document");
    TCase *tc = tcase_create("document");

    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_kinds_by_content_type);
    tcase_add_test(tc, test_positions_typed_into_a_form);
    tcase_add_test(tc, test_positions_checked_and_written);
    tcase_add_test(tc, test_names_and_breadcrumbs);
    tcase_add_test(tc, test_listing_entries_in_every_split);
    tcase_add_test(tc, test_listing_entry_paths);
    tcase_add_test(tc, test_pdf_titles);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(document_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
