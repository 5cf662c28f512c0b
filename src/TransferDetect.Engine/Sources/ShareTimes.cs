using System;
using System.Globalization;

namespace TransferDetect.Engine.Sources;

/// <summary>Times as the logs write them, read as UTC.</summary>
internal static class ShareTimes
{
    /// <summary>The time of an event whose record has no readable time (the reader reports it).</summary>
    public static readonly DateTime Unknown = DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);

    /// <summary>
    /// An ISO-8601 time (or any invariant-culture date); a time without a zone is UTC, as CloudTrail, the
    /// Unified Audit Log (CreationTime) and the Activity Log write them. Null when it cannot be read.
    /// </summary>
    public static DateTime? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (TryParseIsoUtc(text!, out var iso)) return iso;
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
        {
            return DateTime.SpecifyKind(t, DateTimeKind.Utc);
        }
        return null;
    }

    /// <summary>
    /// The form every provider writes, read without the general parser: <c>yyyy-MM-ddTHH:mm:ss</c>, then a fraction of
    /// one to seven digits, then <c>Z</c> or nothing (UTC either way, as <see cref="Parse"/> reads them). Anything else,
    /// or a field out of range, is left to the general parser (false): its answer for these is the same.
    /// </summary>
    internal static bool TryParseIsoUtc(string text, out DateTime time)
    {
        time = default;
        int n = text.Length;
        if (n < 19 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':') return false;
        if (!Digits(text, 0, 4, out int year) || !Digits(text, 5, 2, out int month) || !Digits(text, 8, 2, out int day) ||
            !Digits(text, 11, 2, out int hour) || !Digits(text, 14, 2, out int minute) || !Digits(text, 17, 2, out int second))
        {
            return false;
        }
        int i = 19;
        long fraction = 0;
        if (i < n && text[i] == '.')
        {
            int digits = 0;
            for (i++; i < n && text[i] >= '0' && text[i] <= '9'; i++, digits++)
            {
                if (digits == 7) return false;
                fraction = fraction * 10 + (text[i] - '0');
            }
            if (digits == 0) return false;
            for (; digits < 7; digits++) fraction *= 10;
        }
        if (i < n && text[i] == 'Z') i++;
        if (i != n) return false;
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return false;
        time = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fraction);
        return true;
    }

    private static bool Digits(string text, int at, int count, out int value)
    {
        value = 0;
        for (int i = at; i < at + count; i++)
        {
            char c = text[i];
            if (c < '0' || c > '9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
