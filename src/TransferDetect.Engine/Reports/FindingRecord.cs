namespace TransferDetect.Engine.Reports;

/// <summary>The field names of the finding record, in order (DETECTIONS.md). Every report format uses them.</summary>
public static class FindingRecord
{
    public static readonly string[] Fields =
    {
        "EventId", "Provider", "Operation", "EventTime", "Actor", "SourceIp", "AccountId", "ResourceType",
        "ResourceId", "Grantee", "GranteeType", "Succeeded", "Severity", "Reason", "Source",
    };

    /// <summary>ISO-8601 UTC, to the second or finer when the log has it: 2024-08-01T12:25:57Z.</summary>
    public static string FormatTime(System.DateTime utc) =>
        utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
