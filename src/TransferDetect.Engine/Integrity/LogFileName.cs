using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TransferDetect.Engine.Integrity;

/// <summary>
/// The delivery time in a CloudTrail log file name:
/// <c>&lt;account&gt;_CloudTrail_&lt;region&gt;_&lt;yyyyMMddTHHmmZ&gt;_&lt;unique&gt;.json.gz</c>.
/// </summary>
internal static class LogFileName
{
    private static readonly Regex Pattern = new(
        @"^\d{12}_CloudTrail_[a-z0-9-]+_(?<time>\d{8}T\d{4}Z)_[A-Za-z0-9]+\.json(\.gz)?$",
        RegexOptions.CultureInvariant);

    public static DateTime? DeliveryTime(string fileName)
    {
        var m = Pattern.Match(fileName);
        if (!m.Success) return null;
        return DateTime.TryParseExact(m.Groups["time"].Value, "yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;
    }
}
