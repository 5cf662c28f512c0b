using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Correlation;

/// <summary>
/// Makes the incident of one closed chain: its stages, kind, severity, times and summary.
/// <para>Severity of a chain (the highest that applies):</para>
/// <list type="bullet">
/// <item>Critical: the share was used by the principal (a shared snapshot copied or made a volume, an anyone-link
/// opened), whether or not it was revoked afterwards (used and then cleaned up is the pattern of a finished
/// transfer); and anything shared with everyone (the finding is Critical already).</item>
/// <item>High: a mass share (<see cref="IncidentCorrelatorOptions.MassShareThreshold"/> resources or more), and a
/// share together with the key grant an encrypted share needs; a lone share outside the zone is High by its finding.</item>
/// <item>Otherwise the highest severity of the chain's findings: Medium for a grantee that could not be classified,
/// Low or Medium for attempts that failed (a chain of attempts alone never rises above its findings).</item>
/// </list>
/// </summary>
internal static class IncidentBuilder
{
    public static TransferIncident Build(List<(ShareEvent Event, Finding? Finding, long Sequence)> items, List<string> chainResources,
        Provider provider, string? account, bool everyone, IncidentCorrelatorOptions options, bool firstSeen, Func<string, bool> isOwnAddress)
    {
        var ordered = items.OrderBy(i => i.Event.EventTime).ThenBy(i => i.Sequence).ToList();
        var events = ordered.Select(i => i.Event).ToList();
        var findings = ordered.Where(i => i.Finding != null).Select(i => i.Finding!).ToList();
        var anchor = findings[0].Event;

        var stages = IncidentStage.None;
        // Per resource: the last successful grant and the last revocation, to tell what is still open.
        var grants = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var keyGrants = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var revokes = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var useIps = new List<string>();
        var useOps = new List<string>();
        DateTime? firstGrant = null;
        foreach (var (e, f, _) in ordered)
        {
            string resource = e.ResourceId ?? "";
            switch (e.Action)
            {
                case ShareAction.Create:
                    stages |= IncidentStage.Created;
                    break;
                case ShareAction.Remove:
                    stages |= IncidentStage.Revoked;
                    Latest(revokes, resource, e.EventTime);
                    break;
                case ShareAction.Use when f != null && e.Succeeded:
                    stages |= IncidentStage.Used;
                    if (IsAddress(e.SourceIp) && !useIps.Contains(e.SourceIp!)) useIps.Add(e.SourceIp!);
                    if (!useOps.Contains(e.Operation)) useOps.Add(e.Operation);
                    break;
                case ShareAction.Add when f != null && e.Succeeded:
                    if (e.Category == ShareCategory.Key)
                    {
                        stages |= IncidentStage.KeyShared;
                        Latest(keyGrants, resource, e.EventTime);
                    }
                    else
                    {
                        stages |= IncidentStage.Shared;
                        Latest(grants, resource, e.EventTime);
                    }
                    firstGrant ??= e.EventTime;
                    if (e.RevokedAt is DateTime revokedAt)
                    {
                        stages |= IncidentStage.Revoked;
                        Latest(revokes, resource, revokedAt);
                    }
                    break;
                case ShareAction.Add when f != null:
                    stages |= IncidentStage.Attempted;
                    break;
            }
        }

        // Still open: some resource granted after its last revocation (the key grants count only when nothing else was shared:
        // KMS revokes a grant by its id, which does not name the grantee).
        var open = grants.Count > 0 ? grants : keyGrants;
        bool stillOpen = open.Any(g => !revokes.TryGetValue(g.Key, out var r) || r < g.Value);
        TimeSpan? openFor = null;
        if (!stillOpen && firstGrant != null && revokes.Count > 0)
        {
            var lastRevoke = revokes.Values.Max();
            if (lastRevoke >= firstGrant.Value) openFor = lastRevoke - firstGrant.Value;
        }

        var resources = chainResources.Count > 0 ? chainResources.ToList() : events.Where(e => e.ResourceId != null).Select(e => e.ResourceId!).Distinct(StringComparer.Ordinal).ToList();
        int sharedResources = grants.Count;
        var kind = KindOf(provider, findings, sharedResources, options.MassShareThreshold);

        var severity = findings.Max(f => f.Severity);
        bool succeeded = findings.Any(f => f.Succeeded);
        if ((stages & IncidentStage.Used) != 0) severity = Severity.Critical;
        if (succeeded && (kind == IncidentKind.MassShare || (stages & (IncidentStage.Shared | IncidentStage.KeyShared)) == (IncidentStage.Shared | IncidentStage.KeyShared)))
        {
            severity = Max(severity, Severity.High);
        }

        var unfamiliar = useIps.Where(ip => !isOwnAddress(ip)).ToList();
        var granteeType = GranteeIdentity.TypeOf(anchor);
        string? grantee = everyone || provider != Provider.Aws ? anchor.Grantee : GranteeIdentity.Key(provider, anchor.Grantee);
        var start = events[0].EventTime;
        var end = events[events.Count - 1].EventTime;
        string summary = Summarize(anchor, provider, granteeType, grantee, kind, stages, resources, findings, succeeded, stillOpen, openFor, useIps, useOps, unfamiliar, firstSeen);

        return new TransferIncident
        {
            IncidentId = IdOf(provider, account, grantee, everyone ? anchor.ResourceId : null, events.First(e => e.Action != ShareAction.Create)),
            Kind = kind,
            Provider = provider,
            AccountId = account,
            Grantee = grantee,
            GranteeType = granteeType,
            FirstSeenGrantee = firstSeen,
            Resources = resources,
            Stages = stages,
            Start = start,
            End = end,
            OpenFor = openFor,
            StillOpen = stillOpen,
            SourceIps = useIps,
            UnfamiliarSourceIps = unfamiliar,
            Severity = severity,
            Summary = summary,
            Events = events,
            Findings = findings,
        };
    }

    private static void Latest(Dictionary<string, DateTime> map, string key, DateTime t)
    {
        if (!map.TryGetValue(key, out var old) || t > old) map[key] = t;
    }

    /// <summary>An address of the grantee: not an AWS service name that CloudTrail writes for its own service events (ec2.amazonaws.com).</summary>
    private static bool IsAddress(string? ip) => !string.IsNullOrEmpty(ip) && !ip!.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase) && !string.Equals(ip, "AWS Internal", StringComparison.OrdinalIgnoreCase);

    private static Severity Max(Severity a, Severity b) => a > b ? a : b;

    private static IncidentKind KindOf(Provider provider, List<Finding> findings, int sharedResources, int massThreshold)
    {
        if (provider == Provider.Azure && findings.Any(f => f.Operation.EndsWith("/beginGetAccess/action", StringComparison.OrdinalIgnoreCase))) return IncidentKind.SasExport;
        if (provider == Provider.M365 && findings.Any(f => f.GranteeType == GranteeType.AnonymousLink)) return IncidentKind.AnonymousLink;
        if (sharedResources >= massThreshold) return IncidentKind.MassShare;
        if (findings.Any(f => f.Event.Category == ShareCategory.Snapshot)) return IncidentKind.SnapshotShare;
        return IncidentKind.ExternalShare;
    }

    [ThreadStatic]
    private static SHA256? _sha;

    /// <summary>"TI-" and 16 hex digits of a SHA-256 over the chain's identity and its first share or use (not its creation, which is read only on request).</summary>
    private static string IdOf(Provider provider, string? account, string? grantee, string? resource, ShareEvent first)
    {
        string text = string.Join("|", provider.ToString(), account ?? "", grantee ?? "", resource ?? "",
            first.EventId ?? "", first.EventTime.ToString("o", CultureInfo.InvariantCulture), first.Operation, first.ResourceId ?? "");
        byte[] hash = (_sha ??= SHA256.Create()).ComputeHash(Encoding.UTF8.GetBytes(text));
        var sb = new StringBuilder("TI-", 19);
        for (int i = 0; i < 8; i++) sb.Append(hash[i].ToString("x2", CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    private static string Summarize(ShareEvent anchor, Provider provider, GranteeType granteeType, string? grantee, IncidentKind kind, IncidentStage stages,
        List<string> resources, List<Finding> findings, bool succeeded, bool stillOpen, TimeSpan? openFor, List<string> useIps, List<string> useOps,
        List<string> unfamiliar, bool firstSeen)
    {
        string who = GranteeIdentity.Describe(provider, granteeType, grantee);
        string what = resources.Count switch
        {
            0 => "a resource",
            1 => $"{ExternalShareDetector.Describe(anchor.ResourceType)} {resources[0]}",
            _ => $"{resources.Count} resources ({string.Join(", ", resources.Take(3))}{(resources.Count > 3 ? ", ..." : "")})",
        };
        if (!succeeded)
        {
            return $"Attempts to share {what} with {who} failed ({findings.Count} call(s)); no access was granted.";
        }
        var sb = new StringBuilder();
        if (kind == IncidentKind.SasExport)
        {
            sb.Append(Capital(what)).Append(" was exported through a SAS URI");
        }
        else if (kind == IncidentKind.AnonymousLink)
        {
            sb.Append(Capital(what)).Append((stages & IncidentStage.Shared) != 0 ? " got an anyone-link" : " was reached through an anyone-link");
        }
        else if ((stages & IncidentStage.Shared) != 0)
        {
            sb.Append(Capital(what)).Append(resources.Count > 1 ? " were shared with " : " was shared with ").Append(who);
        }
        else if ((stages & IncidentStage.KeyShared) != 0)
        {
            sb.Append("A KMS key (").Append(anchor.ResourceId).Append(") was granted to ").Append(who);
        }
        else
        {
            sb.Append(Capital(what)).Append(resources.Count > 1 ? " were used by " : " was used by ").Append(who).Append(" through a share made before the data begins");
        }
        if ((stages & IncidentStage.Created) != 0) sb.Append(", created shortly before");
        if ((stages & IncidentStage.KeyShared) != 0 && (stages & IncidentStage.Shared) != 0) sb.Append(", with the key that decrypts it granted to the same principal");
        sb.Append('.');
        if ((stages & IncidentStage.Used) != 0 && kind != IncidentKind.AnonymousLink && (stages & IncidentStage.Shared) != 0)
        {
            sb.Append(" It was used (").Append(string.Join(", ", useOps)).Append(')');
            if (useIps.Count > 0) sb.Append(" from ").Append(string.Join(", ", useIps));
            sb.Append(": data has left.");
        }
        else if ((stages & IncidentStage.Used) != 0 && kind == IncidentKind.AnonymousLink)
        {
            sb.Append(" The link was opened");
            if (useIps.Count > 0)
            {
                sb.Append(" from ").Append(string.Join(", ", useIps));
                sb.Append(unfamiliar.Count == 0
                    ? ", an address the tenant's own users share from"
                    : unfamiliar.Count == useIps.Count ? ", an address not otherwise seen for the tenant" : $" ({string.Join(", ", unfamiliar)} not otherwise seen for the tenant)");
            }
            sb.Append(": data has left.");
        }
        if ((stages & IncidentStage.Revoked) != 0 && !stillOpen)
        {
            sb.Append(" Access was then taken away");
            if (openFor != null) sb.Append(" (open ").Append(Duration(openFor.Value)).Append(')');
            sb.Append((stages & IncidentStage.Used) != 0 ? ": used, then cleaned up." : ".");
        }
        else if (stillOpen)
        {
            sb.Append(" Still open at the end of the data.");
        }
        if (firstSeen) sb.Append(" The grantee was never seen before.");
        return sb.ToString();
    }

    private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);

    /// <summary>"45 s", "12 min 5 s", "2 h 3 min", "3 d 4 h".</summary>
    internal static string Duration(TimeSpan d)
    {
        if (d.TotalSeconds < 60) return $"{(int)d.TotalSeconds} s";
        if (d.TotalMinutes < 60) return d.Seconds == 0 ? $"{(int)d.TotalMinutes} min" : $"{(int)d.TotalMinutes} min {d.Seconds} s";
        if (d.TotalHours < 48) return d.Minutes == 0 ? $"{(int)d.TotalHours} h" : $"{(int)d.TotalHours} h {d.Minutes} min";
        return d.Hours == 0 ? $"{(int)d.TotalDays} d" : $"{(int)d.TotalDays} d {d.Hours} h";
    }
}
