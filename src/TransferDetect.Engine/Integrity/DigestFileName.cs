using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TransferDetect.Engine.Integrity;

/// <summary>
/// The parts of a digest file name:
/// <c>&lt;account&gt;_CloudTrail-Digest_&lt;region&gt;_&lt;trail&gt;_&lt;home region&gt;_&lt;yyyyMMddTHHmmssZ&gt;[_backfill].json.gz</c>.
/// </summary>
internal sealed class DigestFileName
{
    // The trail name may hold underscores; regions never do, so the greedy trail group ends at the home region.
    private static readonly Regex Pattern = new(
        @"^(?<account>\d{12})_CloudTrail-Digest_(?<region>[a-z0-9-]+)_(?<trail>.+)_(?<home>[a-z0-9-]+)_(?<end>\d{8}T\d{6}Z)(?<backfill>_backfill)?\.json(\.gz)?$",
        RegexOptions.CultureInvariant);

    private DigestFileName(string account, string region, string trail, string homeRegion, DateTime endTime, bool backfill)
    {
        Account = account;
        Region = region;
        Trail = trail;
        HomeRegion = homeRegion;
        EndTime = endTime;
        IsBackfill = backfill;
    }

    public string Account { get; }
    public string Region { get; }
    public string Trail { get; }
    public string HomeRegion { get; }
    public DateTime EndTime { get; }
    public bool IsBackfill { get; }

    public static DigestFileName? TryParse(string fileName)
    {
        var m = Pattern.Match(fileName);
        if (!m.Success) return null;
        if (!DateTime.TryParseExact(m.Groups["end"].Value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var end)) return null;
        return new DigestFileName(m.Groups["account"].Value, m.Groups["region"].Value, m.Groups["trail"].Value,
            m.Groups["home"].Value, end, m.Groups["backfill"].Success);
    }
}
