using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Tests;

/// <summary>Findings and incidents built directly, for the report writers' tests.</summary>
internal static class ReportSamples
{
    public const string ScriptPayload = "<script>window.__pwned=1</script>";
    public const string ImgPayload = "\"><img src=x onerror=\"window.__pwned=2\">";
    public const string SvgPayload = "</title><svg onload=\"window.__pwned=3\"><title>";
    public const string MixedPayload = "it's \"quoted\"\nsecond line & <b>bold</b> \u00e9t\u00e9 \u4e2d\u6587 \U0001F600 \u202Eevil";

    public static readonly string[] Payloads = { ScriptPayload, ImgPayload, SvgPayload, MixedPayload };

    public static Finding Finding(
        string grantee = "999988887777",
        Severity severity = Severity.High,
        DateTime? time = null,
        string? actor = "arn:aws:iam::111122223333:user/mallory",
        string? resourceId = "snap-0a1b2c3d4e5f60718",
        string? userAgent = "aws-cli/2.15.0",
        Provider provider = Provider.Aws,
        string resourceType = "EbsSnapshot",
        GranteeType granteeType = GranteeType.Account,
        bool succeeded = true,
        string? eventId = "0b9a1c3e-0000-4000-8000-000000000001",
        string reason = "EBS snapshot shared with AWS account 999988887777, which is outside the trust zone.",
        string? file = "/cases/acme/AWSLogs/trail.json.gz") => new(
        new ShareEvent
        {
            EventId = eventId,
            Provider = provider,
            Operation = "ModifySnapshotAttribute",
            EventTime = time ?? new DateTime(2026, 11, 2, 9, 1, 12, DateTimeKind.Utc),
            Actor = actor,
            SourceIp = "198.51.100.7",
            UserAgent = userAgent,
            AccountId = "111122223333",
            Region = "us-east-1",
            ResourceType = resourceType,
            ResourceId = resourceId,
            Action = ShareAction.Add,
            Grantee = grantee,
            GranteeType = granteeType,
            Succeeded = succeeded,
            ErrorCode = succeeded ? null : "AccessDenied",
            Source = file == null ? null : new SourceLocation(file, 12, 3, 4567),
        },
        severity,
        reason);

    public static TransferIncident Incident(string id = "inc-0001", params Finding[] findings) => new()
    {
        IncidentId = id,
        Kind = IncidentKind.SnapshotShare,
        Provider = Provider.Aws,
        AccountId = "111122223333",
        Grantee = findings.Length > 0 ? findings[0].Grantee : "999988887777",
        GranteeType = GranteeType.Account,
        FirstSeenGrantee = true,
        Resources = findings.Select(f => f.ResourceId ?? "").Distinct().ToList(),
        Stages = IncidentStage.Created | IncidentStage.Shared | IncidentStage.Used | IncidentStage.Revoked,
        Start = new DateTime(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc),
        End = new DateTime(2026, 11, 2, 10, 4, 30, DateTimeKind.Utc),
        OpenFor = new TimeSpan(1, 4, 0),
        StillOpen = false,
        SourceIps = new[] { "203.0.113.50" },
        Severity = Severity.Critical,
        Summary = "Snapshot created, shared with 999988887777, copied by it and un-shared 1 h 4 min later.",
        Events = findings.Select(f => f.Event).ToList(),
        Findings = findings,
    };
}
