/* report.c: CSV cells and chart coordinates (see report.h). */
#include "report.h"

#include <stdio.h>
#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>

/* Nonzero for a byte that makes a spreadsheet read a line as a formula. */
static int csv_formula_start(char c)
{
    return c != '\0' && strchr("=+-@\t\r", c) != NULL;
}

const char *social_report_csv_cell(apr_pool_t *p, const char *value)
{
    const char *v = value ? value : "";
    apr_size_t len = strlen(v), k, o = 0;
    char *out;

    /* Worst case: every byte a quote (doubled) or a piece start (marked),
     * plus the two quotes. */
    out = apr_palloc(p, 2 * len + 3);
    out[o++] = '"';
    for (k = 0; k < len; k++) {
        /* A piece starts at the cell's start and after anything a
         * spreadsheet may split on: a line break, or a separator of some
         * locale (a reader that splits a quoted cell on ";" would
         * otherwise see "=cmd" in "x;=cmd"). */
        int piece_start = k == 0 || strchr("\n\r,;\t", v[k - 1]) != NULL;
        if (piece_start && csv_formula_start(v[k])) {
            out[o++] = '\'';
        }
        if (v[k] == '"') {
            out[o++] = '"';
        }
        out[o++] = v[k];
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
}

const char *social_report_csv_row(apr_pool_t *p, const char *const *values, int n)
{
    apr_array_header_t *parts = apr_array_make(p, n * 2 + 1, sizeof(const char *));
    int k;

    for (k = 0; k < n; k++) {
        if (k > 0) {
            APR_ARRAY_PUSH(parts, const char *) = ",";
        }
        APR_ARRAY_PUSH(parts, const char *) = social_report_csv_cell(p, values[k]);
    }
    APR_ARRAY_PUSH(parts, const char *) = "\r\n";
    return apr_array_pstrcat(p, parts, 0);
}

long social_report_nice_max(long value)
{
    long scale = 1;

    if (value <= 1) {
        return 1;
    }
    for (;;) {
        if (value <= scale) {
            return scale;
        }
        if (value <= 2 * scale) {
            return 2 * scale;
        }
        if (value <= 5 * scale) {
            return 5 * scale;
        }
        if (scale > (long)(((unsigned long)-1 >> 1) / 10)) {
            return value;   /* no larger power of ten fits */
        }
        scale *= 10;
    }
}

double social_report_chart_x(const social_chart_frame *f, int n, int i)
{
    double span = (double)(f->width - f->left - f->right);

    if (n <= 1) {
        return f->left + span / 2;
    }
    return f->left + span * i / (n - 1);
}

double social_report_chart_y(const social_chart_frame *f, long max, long value)
{
    double span = (double)(f->height - f->top - f->bottom);

    if (max <= 0) {
        max = 1;
    }
    if (value < 0) {
        value = 0;
    }
    if (value > max) {
        value = max;
    }
    return (f->height - f->bottom) - span * (double)value / (double)max;
}

const char *social_report_polyline(apr_pool_t *p, const social_chart_frame *f,
                                   const long *values, int n, long max)
{
    apr_array_header_t *parts = apr_array_make(p, n > 0 ? n : 1, sizeof(const char *));
    int k;

    for (k = 0; k < n; k++) {
        char buf[64];
        snprintf(buf, sizeof(buf), "%s%.1f,%.1f", k > 0 ? " " : "",
                 social_report_chart_x(f, n, k), social_report_chart_y(f, max, values[k]));
        APR_ARRAY_PUSH(parts, const char *) = apr_pstrdup(p, buf);
    }
    return apr_array_pstrcat(p, parts, 0);
}
