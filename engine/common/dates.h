// Calendar dates as days since 1970-01-01 (the "civil" day number), parsed from and
// formatted to ISO-8601 "YYYY-MM-DD". Thread safety: pure functions.
#ifndef W2W_ENGINE_COMMON_DATES_H_
#define W2W_ENGINE_COMMON_DATES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace w2w {

// Days since 1970-01-01 of a valid "YYYY-MM-DD" date with year 1900..2200, else nullopt.
std::optional<int32_t> ParseIsoDate(std::string_view text);

// "YYYY-MM-DD" of a day number.
std::string FormatIsoDate(int32_t days);

// Today's day number in UTC.
int32_t TodayUtc();

// The current time as RFC 3339 UTC with seconds, e.g. "2026-11-29T06:35:32Z".
std::string NowRfc3339();

}  // namespace w2w

#endif  // W2W_ENGINE_COMMON_DATES_H_
