using System;
using System.Collections.Generic;
using System.Linq;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Azure;

namespace TransferDetect.Engine.Detection;

/// <summary>
/// Azure grantees against the zone: subscriptions trusted by <see cref="TrustZone.TrustsAzureSubscription"/>
/// (the resource's own subscription always), tenants by <see cref="TrustZone.TrustsAzureTenant"/> (the
/// resource's own tenant always), invited email addresses by the Microsoft 365 domains. A SAS URI is a
/// bearer link (public, High: a download link, not a published resource); a listed key or SAS token is
/// Medium (it went to the caller, whom the log names, and whoever the caller hands it to); guardrails
/// loosened are findings before anything is public.
/// </summary>
internal static class AzureJudge
{
    public static Judgement Judge(ShareEvent e, TrustZone zone)
    {
        var op = AzureOperations.Find(e.Operation);
        string resource = $"{ExternalShareDetector.Describe(e.ResourceType)} {e.ResourceId ?? "(no id recorded)"}";
        string by = By(e);
        switch (op?.Kind)
        {
            case AzureOperationKind.GetAccessBegin:
                return GetAccess(e, resource, by);
            case AzureOperationKind.StorageKeyOrSas:
                return KeyOrSas(e, resource, zone);
            case AzureOperationKind.StorageAccountWrite:
                return Guardrail(e, resource, by);
            case AzureOperationKind.ContainerWrite when e.GranteeType == GranteeType.Public:
                return e.Succeeded
                    ? new Judgement(Verdict.Public, null, $"{resource} was made public{by}: {e.Details}.")
                    : new Judgement(Verdict.Public, null, $"An attempt to make {resource} public (publicAccess {e.Permission}){by} failed ({Error(e)}); nothing was made public.");
        }
        switch (e.GranteeType)
        {
            case GranteeType.Public:
            case GranteeType.AnonymousLink:
                return new Judgement(Verdict.Public);
            case GranteeType.Subscription:
                return Listed(e, resource, by, zone, GranteeType.Subscription);
            case GranteeType.Tenant:
                return Listed(e, resource, by, zone, GranteeType.Tenant);
            case GranteeType.User when op?.Kind == AzureOperationKind.DataShareInvitation && e.Grantee != null:
                return zone.TrustsM365Domain(e.Grantee) ? new Judgement(Verdict.Trusted) : new Judgement(Verdict.External,
                    null, e.Succeeded
                        ? $"{resource} was offered to {e.Grantee}, an address outside the trusted domains, by a Data Share invitation{by}."
                        : $"An invitation to {e.Grantee} (outside the trusted domains) to {resource}{by} failed ({Error(e)}); nothing was shared.");
            default:
                if (op?.Kind == AzureOperationKind.ObjectReplicationWrite)
                {
                    return new Judgement(Verdict.Unknown, null, e.Succeeded
                        ? $"{resource} replicates its blobs to account '{e.Grantee}'{by}, named without a resource id, so the account's subscription and tenant cannot be checked ({e.Details})."
                        : $"An attempt to replicate {resource} to account '{e.Grantee}'{by} failed ({Error(e)}); nothing was replicated.");
                }
                return new Judgement(Verdict.Unknown);
        }
    }

    /// <summary>A SAS URI to download a disk, snapshot or restore point: a bearer link, High; the window comes from the folded endGetAccess.</summary>
    private static Judgement GetAccess(ShareEvent e, string resource, string by)
    {
        if (!e.Succeeded)
        {
            return new Judgement(Verdict.Public, null, $"An attempt to get a SAS URI to download {resource}{by} failed ({Error(e)}); no link was issued.");
        }
        string details = e.Details ?? "";
        bool revoked = details.IndexOf("endGetAccess", StringComparison.Ordinal) >= 0;
        string window = revoked ? details : (details.Length > 0 ? details + "; " : "") + "no revocation (endGetAccess) was read, so the link stays valid until it expires";
        return new Judgement(Verdict.Public, Severity.High,
            $"A SAS URI to download {resource} was issued{by}: anyone holding the link can copy the data ({window}).");
    }

    /// <summary>
    /// Storage keys or a SAS token handed to the caller: not a share yet, but whoever holds them can read
    /// everything (Medium). Handed to an identity signed in to another tenant than the resource's (a
    /// cross-tenant delegation), outside the zone: an external share (High).
    /// </summary>
    private static Judgement KeyOrSas(ShareEvent e, string resource, TrustZone zone)
    {
        bool keys = e.Operation == AzureOperations.ListKeys;
        string what = keys ? "The account keys" : e.Operation == AzureOperations.ListAccountSas ? "An account SAS token" : "A service SAS token";
        string ip = e.SourceIp != null ? $" from {e.SourceIp}" : "";
        if (!e.Succeeded)
        {
            return new Judgement(Verdict.Unknown, Severity.Low, $"An attempt to get {(keys ? "the account keys" : "a SAS token")} of {resource} by {e.Grantee}{ip} failed ({Error(e)}); nothing was issued.");
        }
        string scope = keys ? "whoever holds a key can read and copy all of the account's data" : "whoever holds the token can use it until it expires" + (e.Details != null ? $" ({e.Details})" : "");
        if (e.ActorAccountId != null && e.TenantId != null && !zone.TrustsAzureTenant(e.ActorAccountId, e.TenantId))
        {
            return new Judgement(Verdict.External, Severity.High,
                $"{what} of {resource} {(keys ? "were" : "was")} issued to {e.Grantee}{ip}, signed in to tenant {e.ActorAccountId}, which is outside the trust zone: {scope}.");
        }
        return new Judgement(Verdict.Unknown, Severity.Medium, $"{what} of {resource} {(keys ? "were" : "was")} issued to {e.Grantee}{ip}: {scope}.");
    }

    /// <summary>allowBlobPublicAccess turned on: High (anything can now be made public); cross-tenant replication allowed: Medium.</summary>
    private static Judgement Guardrail(ShareEvent e, string resource, string by)
    {
        bool publicAccess = e.GranteeType == GranteeType.Public;
        string what = publicAccess ? "anonymous (public) blob access" : "object replication to other tenants";
        if (!e.Succeeded)
        {
            return new Judgement(publicAccess ? Verdict.Public : Verdict.Unknown, publicAccess ? Severity.Medium : Severity.Low,
                $"An attempt to allow {what} on {resource}{by} failed ({Error(e)}); the guardrail stays.");
        }
        return new Judgement(publicAccess ? Verdict.Public : Verdict.Unknown, publicAccess ? Severity.High : Severity.Medium,
            $"{what.Substring(0, 1).ToUpperInvariant()}{what.Substring(1)} was allowed on {resource}{by} ({e.Permission}): {e.Details}.");
    }

    /// <summary>Subscriptions and tenants, one or several (a gallery shared with many): a finding when any is outside the zone.</summary>
    private static Judgement Listed(ShareEvent e, string resource, string by, TrustZone zone, GranteeType type)
    {
        var outside = new List<string>();
        int count = 0;
        foreach (var (kind, id) in Grantees(e.Grantee, type))
        {
            count++;
            bool trusted = kind == GranteeType.Subscription ? zone.TrustsAzureSubscription(id, e.AccountId) : zone.TrustsAzureTenant(id, e.TenantId);
            if (!trusted) outside.Add((kind == GranteeType.Subscription ? "subscription " : "tenant ") + id);
        }
        if (count == 0) return new Judgement(Verdict.Unknown);
        if (outside.Count == 0) return new Judgement(Verdict.Trusted);
        string who = string.Join(", ", outside) + (outside.Count == 1 ? ", which is outside the trust zone" : ", which are outside the trust zone");
        if (by.Length > 0) by = "," + by;
        if (!e.Succeeded)
        {
            return new Judgement(Verdict.External, null, $"An attempt to share {resource} with {who}{by} failed ({Error(e)}); no access was granted.");
        }
        if (e.Action == ShareAction.Use)
        {
            return new Judgement(Verdict.External, null, $"{resource} was copied by {who}{by} ({e.Details}).");
        }
        string context = e.Details != null ? $" ({e.Details})" : "";
        return new Judgement(Verdict.External, null, $"{resource} was shared with {who}{by}{context}.");
    }

    /// <summary>The ids of a grantee list: "a, b" of one type, or "subscription:a, tenant:b".</summary>
    internal static IEnumerable<(GranteeType Type, string Id)> Grantees(string? grantee, GranteeType type)
    {
        if (string.IsNullOrWhiteSpace(grantee)) yield break;
        foreach (var raw in grantee!.Split(','))
        {
            string item = raw.Trim();
            if (item.Length == 0) continue;
            if (item.StartsWith("subscription:", StringComparison.OrdinalIgnoreCase)) yield return (GranteeType.Subscription, item.Substring("subscription:".Length));
            else if (item.StartsWith("tenant:", StringComparison.OrdinalIgnoreCase)) yield return (GranteeType.Tenant, item.Substring("tenant:".Length));
            else yield return (type, item);
        }
    }

    private static string By(ShareEvent e) =>
        e.Actor == null ? "" : e.SourceIp != null ? $" by {e.Actor} from {e.SourceIp}" : $" by {e.Actor}";

    private static string Error(ShareEvent e) => e.ErrorCode ?? e.Status ?? "failed";
}
