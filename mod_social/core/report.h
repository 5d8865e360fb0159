/* report.h: pure helpers of the console's figures and exports: CSV
 * cells safe to open in a spreadsheet, and the coordinates of the
 * engagement chart. No httpd types: unit-tested alone (check_report). */
#ifndef SOCIAL_REPORT_H
#define SOCIAL_REPORT_H

#include <apr_pools.h>

/* One CSV field (RFC 4180), safe whatever separator a spreadsheet splits
 * on ("," or ";" in German, French or Dutch locales, or TAB): always
 * quoted (quotes doubled). Every piece of it that could start a cell or a
 * line (its start, and after each CR, LF, ",", ";" or TAB) and starts
 * with =, +, -, @, TAB or CR is a formula to a spreadsheet: it gets a
 * single quote first, so it is shown as text and never run, even by a
 * reader that splits the quoted cell on ";". */
const char *social_report_csv_cell(apr_pool_t *p, const char *value);

/* A CSV record of n fields, ended by CRLF. */
const char *social_report_csv_row(apr_pool_t *p, const char *const *values, int n);

/* The drawing area of a chart: the whole size and the margins that hold
 * the axes' labels, in SVG user units. */
typedef struct {
    int width;
    int height;
    int left;
    int right;
    int top;
    int bottom;
} social_chart_frame;

/* The smallest 1, 2 or 5 times a power of ten that is >= value: the top
 * of the y axis (1 for a value of 0 or less). */
long social_report_nice_max(long value);

/* The x of point i of n, spread evenly from the left margin to the right
 * one (a single point sits in the middle). */
double social_report_chart_x(const social_chart_frame *f, int n, int i);

/* The y of value on an axis from 0 (at the bottom margin) to max (at the
 * top margin); values are clamped to [0, max]. */
double social_report_chart_y(const social_chart_frame *f, long max, long value);

/* "x,y x,y ..." (one decimal) of values[0..n) for an SVG polyline. */
const char *social_report_polyline(apr_pool_t *p, const social_chart_frame *f,
                                   const long *values, int n, long max);

#endif /* SOCIAL_REPORT_H */
