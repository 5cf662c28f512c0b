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
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
        {
            return DateTime.SpecifyKind(t, DateTimeKind.Utc);
        }
        return null;
    }
}
