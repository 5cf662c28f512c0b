using System;
using System.Globalization;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Engine.Detection;

/// <summary>Counts of what the detector decided, so nothing it passes over goes unmentioned.</summary>
public sealed class DetectionStatistics
{
    public long Evaluated { get; internal set; }
    public long Findings { get; internal set; }
    public long Revocations { get; internal set; }
    public long Trusted { get; internal set; }
    public long Marketplace { get; internal set; }

    public string Summary() => string.Format(CultureInfo.InvariantCulture,
        "Evaluated {0} share event(s): {1} finding(s); not findings: {2} revocation(s), {3} grant(s) inside the trust zone, {4} AWS Marketplace call(s).",
        Evaluated, Findings, Revocations, Trusted, Marketplace);
}

/// <summary>
/// Decides which share events are findings: a grant (successful or attempted) to a principal
/// outside the trust zone, or to the public. Revocations and grants inside the zone are not.
/// </summary>
public sealed class ExternalShareDetector
{
    public ExternalShareDetector(TrustZone zone)
    {
        Zone = zone ?? throw new ArgumentNullException(nameof(zone));
    }

    public TrustZone Zone { get; }

    public DetectionStatistics Statistics { get; } = new();

    /// <summary>The finding for this event, or null when it is not one.</summary>
    public Finding? Evaluate(ShareEvent e)
    {
        Statistics.Evaluated++;
        if (e.Action == ShareAction.Remove)
        {
            Statistics.Revocations++;
            return null;
        }
        if (e.Provider == Provider.Aws && IsMarketplace(e.InvokedBy))
        {
            Statistics.Marketplace++;
            return null;
        }
        var verdict = e.Provider == Provider.Aws ? JudgeAws(e) : Verdict.Unknown;
        if (verdict == Verdict.Trusted)
        {
            Statistics.Trusted++;
            return null;
        }
        Statistics.Findings++;
        return new Finding(e, SeverityOf(e, verdict), ReasonFor(e, verdict));
    }

    private enum Verdict { Trusted, External, Public, Unknown }

    private Verdict JudgeAws(ShareEvent e)
    {
        var g = AwsGrantee.Parse(e.Grantee);
        switch (g.Type)
        {
            case GranteeType.Public:
                return Verdict.Public;
            case GranteeType.Account:
                return Zone.TrustsAwsAccount(g.AccountId!, e.AccountId) ? Verdict.Trusted : Verdict.External;
            case GranteeType.Organization:
                return Zone.TrustsAwsOrganization(g.OrganizationId!) ? Verdict.Trusted : Verdict.External;
            case GranteeType.OrganizationalUnit:
                return Zone.TrustsAwsOrganizationalUnit(g.OrganizationalUnitId!, g.OrganizationId) ? Verdict.Trusted : Verdict.External;
            default:
                return Verdict.Unknown;
        }
    }

    private static bool IsMarketplace(string? invokedBy) =>
        invokedBy != null && invokedBy.IndexOf("marketplace", StringComparison.OrdinalIgnoreCase) >= 0;

    private static Severity SeverityOf(ShareEvent e, Verdict verdict)
    {
        if (!e.Succeeded)
        {
            return verdict == Verdict.Public ? Severity.Medium : Severity.Low;
        }
        return verdict switch
        {
            Verdict.Public => Severity.Critical,
            Verdict.External => Severity.High,
            _ => Severity.Medium,
        };
    }

    private static string ReasonFor(ShareEvent e, Verdict verdict)
    {
        string resource = $"{Describe(e.ResourceType)} {e.ResourceId ?? "(no id recorded)"}";
        string who = verdict switch
        {
            Verdict.Public => "everyone (public)",
            Verdict.External => $"{DescribeGrantee(e.GranteeType)} {e.Grantee}, which is outside the trust zone",
            _ => $"'{e.Grantee}', a grantee that could not be classified",
        };
        if (!e.Succeeded)
        {
            return $"An attempt to share {resource} with {who} failed ({e.ErrorCode}); no access was granted.";
        }
        return $"{resource} was shared with {who}.";
    }

    private static string DescribeGrantee(GranteeType t) => t switch
    {
        GranteeType.Account => "AWS account",
        GranteeType.Organization => "AWS organization",
        GranteeType.OrganizationalUnit => "AWS organizational unit",
        _ => t.ToString(),
    };

    private static string Describe(string resourceType) => resourceType switch
    {
        "EbsSnapshot" => "EBS snapshot",
        "Ami" => "AMI",
        "RdsSnapshot" => "RDS snapshot",
        "RdsClusterSnapshot" => "RDS cluster snapshot",
        "RedshiftSnapshot" => "Redshift snapshot",
        _ => resourceType,
    };
}
