/* tz.c: TZif reader (versions 1, 2 and 3) and local time conversion. */
#include <string.h>

#include <apr_file_io.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "tz.h"

/* A local time type: offset, DST flag, abbreviation. */
typedef struct {
    apr_int32_t offset;
    int dst;
    const char *abbr;
} tz_type;

/* When a POSIX rule changes the clock: a day of the year and the local
 * time of day (seconds, may be negative or past 24h in version 3). */
typedef struct {
    char kind;          /* 'J': Julian 1..365 without Feb 29; 'D': 0..365; 'M' */
    int day, week, month;
    apr_int32_t time;
} tz_when;

/* The footer's rule: standard time, and DST between start and end when
 * has_dst. */
typedef struct {
    tz_type std, dst;
    int has_dst;
    tz_when start, end;
} tz_rule;

struct social_tz {
    const char *name;
    apr_int64_t *times;         /* transitions, seconds since the epoch, ascending */
    unsigned char *type_of;     /* type index after each transition */
    apr_size_t count;           /* transitions */
    tz_type *types;
    apr_size_t type_count;
    tz_rule rule;
    int has_rule;
};

static const social_tz utc_zone = {
    "UTC", NULL, NULL, 0, NULL, 0,
    { { 0, 0, "UTC" }, { 0, 0, "UTC" }, 0, { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 } }, 1
};

const social_tz *social_tz_utc(void)
{
    return &utc_zone;
}

const char *social_tz_name(const social_tz *zone)
{
    return zone ? zone->name : utc_zone.name;
}

int social_tz_name_valid(const char *name)
{
    const char *p, *part = name;

    if (name == NULL || *name == '\0' || strlen(name) > 255) {
        return 0;
    }
    for (p = name; ; p++) {
        if (*p == '/' || *p == '\0') {
            if (p == part || *part == '.' || *part == '-') {
                return 0;   /* empty, ".", "..", a leading dot or dash */
            }
            if (*p == '\0') {
                return 1;
            }
            part = p + 1;
        }
        else if (!apr_isalnum(*p) && *p != '_' && *p != '+' && *p != '-' && *p != '.') {
            return 0;
        }
    }
}

/* ---- days and dates (proleptic Gregorian, no libc) ---- */

static int is_leap(apr_int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d (m 1..12). */
static apr_int64_t days_from_civil(apr_int64_t y, int m, int d)
{
    apr_int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The year of a day number. */
static apr_int64_t year_of_day(apr_int64_t z)
{
    apr_int64_t era, doe, yoe, doy, mp, y;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    return mp >= 10 ? y + 1 : y;
}

static int month_days(apr_int64_t y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Seconds since the epoch of a rule's moment in year y, for a zone whose
 * clock shows offset before it. */
static apr_int64_t when_in_year(const tz_when *w, apr_int64_t y, apr_int32_t offset)
{
    apr_int64_t day;

    if (w->kind == 'J') {
        day = days_from_civil(y, 1, 1) + w->day - 1 + (is_leap(y) && w->day >= 60);
    }
    else if (w->kind == 'D') {
        day = days_from_civil(y, 1, 1) + w->day;
    }
    else {
        apr_int64_t first = days_from_civil(y, w->month, 1);
        int weekday = (int)(((first + 4) % 7 + 7) % 7);     /* 1970-01-01: Thursday */
        int k;
        day = first + (w->day - weekday + 7) % 7;
        for (k = 1; k < w->week; k++) {
            if (day + 7 - first < month_days(y, w->month)) {
                day += 7;
            }
        }
    }
    return day * 86400 + w->time - offset;
}

static const tz_type *rule_type(const tz_rule *rule, apr_int64_t t)
{
    apr_int64_t y, start, end;

    if (!rule->has_dst) {
        return &rule->std;
    }
    y = year_of_day((t + rule->std.offset) / 86400 - ((t + rule->std.offset) % 86400 < 0));
    start = when_in_year(&rule->start, y, rule->std.offset);
    end = when_in_year(&rule->end, y, rule->dst.offset);
    if (start <= end) {
        return t >= start && t < end ? &rule->dst : &rule->std;
    }
    /* the southern hemisphere: DST over the turn of the year */
    return t < end || t >= start ? &rule->dst : &rule->std;
}

/* ---- the POSIX TZ string of the footer ---- */

static const char *parse_abbr(apr_pool_t *p, const char **s)
{
    const char *start = *s, *end;

    if (**s == '<') {
        start = ++*s;
        while (**s && **s != '>') {
            if (!apr_isalnum(**s) && **s != '+' && **s != '-') {
                return NULL;
            }
            ++*s;
        }
        if (**s != '>') {
            return NULL;
        }
        end = (*s)++;
    }
    else {
        while (apr_isalpha(**s)) {
            ++*s;
        }
        end = *s;
    }
    return end - start >= 3 ? apr_pstrmemdup(p, start, end - start) : NULL;
}

/* [+-]hh[:mm[:ss]] as seconds; max_hours bounds hh. Nonzero if it parsed. */
static int parse_hms(const char **s, int max_hours, apr_int32_t *out)
{
    int sign = 1, part, k;
    apr_int32_t v = 0;

    if (**s == '+' || **s == '-') {
        sign = **s == '-' ? -1 : 1;
        ++*s;
    }
    for (k = 0; k < 3; k++) {
        if (k > 0) {
            if (**s != ':') {
                break;
            }
            ++*s;
        }
        if (!apr_isdigit(**s)) {
            return 0;
        }
        part = 0;
        while (apr_isdigit(**s) && part <= 999) {
            part = part * 10 + (**s - '0');
            ++*s;
        }
        if ((k == 0 && part > max_hours) || (k > 0 && part > 59)) {
            return 0;
        }
        v += part * (k == 0 ? 3600 : k == 1 ? 60 : 1);
    }
    *out = sign * v;
    return 1;
}

static int parse_number(const char **s, int min, int max, int *out)
{
    int v = 0;
    if (!apr_isdigit(**s)) {
        return 0;
    }
    while (apr_isdigit(**s) && v <= max) {
        v = v * 10 + (**s - '0');
        ++*s;
    }
    *out = v;
    return v >= min && v <= max;
}

static int parse_when(const char **s, tz_when *w)
{
    w->week = w->month = 0;
    if (**s == 'J') {
        ++*s;
        w->kind = 'J';
        if (!parse_number(s, 1, 365, &w->day)) {
            return 0;
        }
    }
    else if (**s == 'M') {
        ++*s;
        w->kind = 'M';
        if (!parse_number(s, 1, 12, &w->month) || *(*s)++ != '.'
            || !parse_number(s, 1, 5, &w->week) || *(*s)++ != '.'
            || !parse_number(s, 0, 6, &w->day)) {
            return 0;
        }
    }
    else {
        w->kind = 'D';
        if (!parse_number(s, 0, 365, &w->day)) {
            return 0;
        }
    }
    w->time = 7200;    /* 02:00 unless said */
    if (**s == '/') {
        ++*s;
        /* version 3: -167 to 167 hours */
        if (!parse_hms(s, 167, &w->time)) {
            return 0;
        }
    }
    return 1;
}

/* "std offset [dst [offset] [,start[/time],end[/time]]]"; POSIX offsets
 * are west of UTC, ours east. */
static int parse_rule(apr_pool_t *p, const char *s, tz_rule *rule)
{
    apr_int32_t off;

    memset(rule, 0, sizeof(*rule));
    if ((rule->std.abbr = parse_abbr(p, &s)) == NULL || !parse_hms(&s, 24, &off)) {
        return 0;
    }
    rule->std.offset = -off;
    if (*s == '\0') {
        return 1;
    }
    if ((rule->dst.abbr = parse_abbr(p, &s)) == NULL) {
        return 0;
    }
    rule->has_dst = 1;
    rule->dst.dst = 1;
    rule->dst.offset = rule->std.offset + 3600;
    if (*s != ',' && *s != '\0') {
        if (!parse_hms(&s, 24, &off)) {
            return 0;
        }
        rule->dst.offset = -off;
    }
    if (*s == '\0') {
        /* no rule: the United States' since 2007, as tzcode assumes */
        rule->start.kind = rule->end.kind = 'M';
        rule->start.month = 3; rule->start.week = 2; rule->start.day = 0;
        rule->end.month = 11; rule->end.week = 1; rule->end.day = 0;
        rule->start.time = rule->end.time = 7200;
        return 1;
    }
    if (*s++ != ',' || !parse_when(&s, &rule->start) || *s++ != ','
        || !parse_when(&s, &rule->end)) {
        return 0;
    }
    return *s == '\0';
}

/* ---- the TZif file ---- */

static apr_int64_t be32(const unsigned char *b)
{
    return (apr_int32_t)(((apr_uint32_t)b[0] << 24) | ((apr_uint32_t)b[1] << 16)
                         | ((apr_uint32_t)b[2] << 8) | (apr_uint32_t)b[3]);
}

static apr_int64_t be64(const unsigned char *b)
{
    apr_uint64_t v = 0;
    int k;
    for (k = 0; k < 8; k++) {
        v = (v << 8) | b[k];
    }
    return (apr_int64_t)v;
}

typedef struct {
    apr_uint32_t isut, isstd, leap, time, type, chars;
} tzif_counts;

static int read_header(const unsigned char *d, apr_size_t len, int *version,
                       tzif_counts *c)
{
    if (len < 44 || memcmp(d, "TZif", 4) != 0) {
        return 0;
    }
    *version = d[4] == 0 ? 1 : d[4] - '0';
    if (*version < 1 || *version > 4) {
        return 0;
    }
    c->isut = (apr_uint32_t)be32(d + 20);
    c->isstd = (apr_uint32_t)be32(d + 24);
    c->leap = (apr_uint32_t)be32(d + 28);
    c->time = (apr_uint32_t)be32(d + 32);
    c->type = (apr_uint32_t)be32(d + 36);
    c->chars = (apr_uint32_t)be32(d + 40);
    return c->type >= 1 && c->type <= 256 && c->chars >= 1 && c->chars <= 65536
        && c->time <= 1000000 && c->leap <= 100000
        && (c->isut == 0 || c->isut == c->type) && (c->isstd == 0 || c->isstd == c->type);
}

static apr_size_t block_size(const tzif_counts *c, int tsize)
{
    return (apr_size_t)c->time * tsize + c->time + (apr_size_t)c->type * 6 + c->chars
         + (apr_size_t)c->leap * (tsize + 4) + c->isstd + c->isut;
}

social_tz *social_tz_parse(apr_pool_t *p, const char *name, const unsigned char *data,
                           apr_size_t len, const char **error)
{
    tzif_counts c;
    int version, tsize = 4;
    apr_size_t k, size;
    const unsigned char *d = data, *types, *chars, *block, *end = data + len;
    social_tz *zone;

    if (!read_header(d, len, &version, &c)) {
        *error = "not a TZif file (no valid header)";
        return NULL;
    }
    size = block_size(&c, 4);
    if (44 + size > len) {
        *error = "truncated TZif file";
        return NULL;
    }
    if (version >= 2) {
        /* the 64-bit block that follows the 32-bit one is the one to read */
        d += 44 + size;
        len -= 44 + size;
        if (!read_header(d, len, &version, &c) || version < 2) {
            *error = "TZif file with a broken second header";
            return NULL;
        }
        tsize = 8;
        size = block_size(&c, 8);
        if (44 + size > len) {
            *error = "truncated TZif file";
            return NULL;
        }
    }
    zone = apr_pcalloc(p, sizeof(*zone));
    zone->name = apr_pstrdup(p, name);
    zone->count = c.time;
    zone->times = apr_palloc(p, sizeof(*zone->times) * (c.time ? c.time : 1));
    zone->type_of = apr_palloc(p, c.time ? c.time : 1);
    zone->type_count = c.type;
    zone->types = apr_pcalloc(p, sizeof(*zone->types) * c.type);
    d += 44;
    block = d;
    for (k = 0; k < c.time; k++) {
        zone->times[k] = tsize == 8 ? be64(d + k * 8) : be32(d + k * 4);
        if (k > 0 && zone->times[k] <= zone->times[k - 1]) {
            *error = "TZif transitions out of order";
            return NULL;
        }
    }
    d += (apr_size_t)c.time * tsize;
    for (k = 0; k < c.time; k++) {
        zone->type_of[k] = d[k];
        if (d[k] >= c.type) {
            *error = "TZif transition names a type that does not exist";
            return NULL;
        }
    }
    types = d + c.time;
    chars = types + (apr_size_t)c.type * 6;
    for (k = 0; k < c.type; k++) {
        const unsigned char *tt = types + k * 6;
        apr_int64_t off = be32(tt);
        unsigned idx = tt[5];
        if (off < -25 * 3600 || off > 26 * 3600 || tt[4] > 1 || idx >= c.chars
            || memchr(chars + idx, '\0', c.chars - idx) == NULL) {
            *error = "TZif local time type out of range";
            return NULL;
        }
        zone->types[k].offset = (apr_int32_t)off;
        zone->types[k].dst = tt[4];
        zone->types[k].abbr = apr_pstrdup(p, (const char *)chars + idx);
    }
    if (version >= 2) {
        /* the footer: "\n" TZ string "\n" right after the block */
        const unsigned char *f = block + size, *nl;
        if (f >= end || *f != '\n') {
            *error = "TZif file without its footer";
            return NULL;
        }
        nl = memchr(f + 1, '\n', end - (f + 1));
        if (nl == NULL) {
            *error = "TZif footer not ended";
            return NULL;
        }
        if (nl > f + 1) {
            char *rule = apr_pstrmemdup(p, (const char *)f + 1, nl - f - 1);
            if (!parse_rule(p, rule, &zone->rule)) {
                *error = apr_psprintf(p, "TZif footer \"%s\" is not a TZ rule this "
                                      "reader knows", rule);
                return NULL;
            }
            zone->has_rule = 1;
        }
    }
    return zone;
}

social_tz *social_tz_load(apr_pool_t *p, const char *dir, const char *name,
                          const char **error)
{
    const char *path;
    apr_file_t *fd;
    apr_finfo_t finfo;
    apr_status_t rv;
    unsigned char *data;
    apr_size_t got;
    social_tz *zone;
    char why[120];

    if (!social_tz_name_valid(name)) {
        *error = apr_psprintf(p, "\"%s\" is not a time zone name (an IANA name such as "
                              "Europe/Berlin or Asia/Kolkata)", name ? name : "");
        return NULL;
    }
    path = apr_pstrcat(p, dir ? dir : SOCIAL_TZ_DIR, "/", name, NULL);
    rv = apr_file_open(&fd, path, APR_READ | APR_BINARY, 0, p);
    if (rv == APR_SUCCESS) {
        rv = apr_file_info_get(&finfo, APR_FINFO_SIZE | APR_FINFO_TYPE, fd);
        if (rv == APR_SUCCESS && (finfo.filetype != APR_REG || finfo.size > 1 << 20)) {
            apr_file_close(fd);
            *error = apr_psprintf(p, "unknown time zone \"%s\" (%s is not a zone file)",
                                  name, path);
            return NULL;
        }
    }
    if (rv != APR_SUCCESS) {
        if (strcmp(name, "UTC") == 0) {
            return (social_tz *)&utc_zone;
        }
        *error = apr_psprintf(p, "unknown time zone \"%s\" (cannot read %s: %s; "
                              "is the package tzdata installed?)", name, path,
                              apr_strerror(rv, why, sizeof(why)));
        return NULL;
    }
    data = apr_palloc(p, (apr_size_t)finfo.size + 1);
    rv = apr_file_read_full(fd, data, (apr_size_t)finfo.size, &got);
    apr_file_close(fd);
    if (rv != APR_SUCCESS && !(APR_STATUS_IS_EOF(rv) && got == (apr_size_t)finfo.size)) {
        *error = apr_psprintf(p, "cannot read %s: %s", path,
                              apr_strerror(rv, why, sizeof(why)));
        return NULL;
    }
    zone = social_tz_parse(p, name, data, got, error);
    if (zone == NULL) {
        *error = apr_psprintf(p, "time zone \"%s\": %s: %s", name, path, *error);
    }
    return zone;
}

void social_tz_convert(const social_tz *zone, apr_time_t t, social_tz_local *out)
{
    const tz_type *type;
    apr_int64_t s = t / APR_USEC_PER_SEC - (t % APR_USEC_PER_SEC < 0);

    if (zone == NULL) {
        zone = &utc_zone;
    }
    if (zone->count == 0 || s < zone->times[0]) {
        type = zone->count == 0 && zone->has_rule ? rule_type(&zone->rule, s)
             : zone->type_count > 0 ? &zone->types[0] : &zone->rule.std;
    }
    else if (s >= zone->times[zone->count - 1] && zone->has_rule) {
        type = rule_type(&zone->rule, s);
    }
    else {
        apr_size_t lo = 0, hi = zone->count;    /* times[lo] <= s < times[hi] */
        while (hi - lo > 1) {
            apr_size_t mid = lo + (hi - lo) / 2;
            if (zone->times[mid] <= s) {
                lo = mid;
            }
            else {
                hi = mid;
            }
        }
        type = &zone->types[zone->type_of[lo]];
    }
    out->offset = type->offset;
    out->dst = type->dst;
    out->abbr = type->abbr;
    apr_time_exp_tz(&out->tm, t, type->offset);
    out->tm.tm_isdst = type->dst;
}
