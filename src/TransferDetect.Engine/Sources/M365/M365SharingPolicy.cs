using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.M365;

/// <summary>One setting of a SharingPolicyChanged record that opens (Add) or closes (Remove) sharing.</summary>
internal readonly struct SharingPolicyChange
{
    public SharingPolicyChange(ShareAction action, GranteeType granteeType, string? grantee, string property, string details)
    {
        Action = action;
        GranteeType = granteeType;
        Grantee = grantee;
        Property = property;
        Details = details;
    }

    public ShareAction Action { get; }

    /// <summary>AnonymousLink (Anyone links allowed), Domain (one domain allowed), User (guests in general).</summary>
    public GranteeType GranteeType { get; }

    public string? Grantee { get; }

    /// <summary>The ModifiedProperties name.</summary>
    public string Property { get; }

    /// <summary>"Name: old -> new".</summary>
    public string Details { get; }
}

/// <summary>
/// Reads the ModifiedProperties (<c>[{"Name":..,"OldValue":..,"NewValue":..}]</c>) of a
/// SharingPolicyChanged record and keeps the changes whose direction can be told: the tenant (or site)
/// sharing level (SharingCapability), the default link type, the domain restriction mode and its
/// allowed and blocked domain lists, and RequireAcceptingAccountMatchInvitedAccount. Other settings
/// (and values that cannot be read) give nothing: a change that cannot be shown to loosen sharing is
/// not reported as one.
/// </summary>
internal static class M365SharingPolicy
{
    public const string Anyone = "Anyone";

    public static List<SharingPolicyChange> Read(JsonElement modifiedProperties)
    {
        var changes = new List<SharingPolicyChange>();
        if (modifiedProperties.ValueKind != JsonValueKind.Array) return changes;
        foreach (var p in modifiedProperties.EnumerateArray())
        {
            string? name = p.Str("Name"u8);
            if (string.IsNullOrWhiteSpace(name)) continue;
            string oldValue = (p.Str("OldValue"u8) ?? "").Trim();
            string newValue = (p.Str("NewValue"u8) ?? "").Trim();
            string details = $"{name}: '{oldValue}' -> '{newValue}'";
            string n = name!.Trim();
            if (Has(n, "SharingCapabilit"))
            {
                SharingLevel(n, oldValue, newValue, details, changes);
            }
            else if (Has(n, "DefaultSharingLinkType"))
            {
                bool wasAnyone = IsAnonymousLinkType(oldValue), isAnyone = IsAnonymousLinkType(newValue);
                if (isAnyone && !wasAnyone) changes.Add(new SharingPolicyChange(ShareAction.Add, GranteeType.AnonymousLink, Anyone, n, details));
                else if (wasAnyone && !isAnyone) changes.Add(new SharingPolicyChange(ShareAction.Remove, GranteeType.AnonymousLink, Anyone, n, details));
            }
            else if (Has(n, "DomainRestrictionMode"))
            {
                int? before = RestrictionRank(oldValue), after = RestrictionRank(newValue);
                if (before is int b && after is int a && a != b)
                {
                    string who = a == 0 ? "guests from any domain" : "guests from any domain not blocked";
                    changes.Add(new SharingPolicyChange(a < b ? ShareAction.Add : ShareAction.Remove, GranteeType.User, who, n, details));
                }
            }
            else if (Has(n, "AllowedDomainList") || Has(n, "AllowDomainList"))
            {
                var before = Domains(oldValue);
                var after = Domains(newValue);
                foreach (var d in after.Where(d => !before.Contains(d))) changes.Add(new SharingPolicyChange(ShareAction.Add, GranteeType.Domain, d, n, details));
                foreach (var d in before.Where(d => !after.Contains(d))) changes.Add(new SharingPolicyChange(ShareAction.Remove, GranteeType.Domain, d, n, details));
            }
            else if (Has(n, "BlockedDomainList") || Has(n, "BlockDomainList"))
            {
                var before = Domains(oldValue);
                var after = Domains(newValue);
                foreach (var d in before.Where(d => !after.Contains(d))) changes.Add(new SharingPolicyChange(ShareAction.Add, GranteeType.Domain, d, n, details));
                foreach (var d in after.Where(d => !before.Contains(d))) changes.Add(new SharingPolicyChange(ShareAction.Remove, GranteeType.Domain, d, n, details));
            }
            else if (Has(n, "RequireAcceptingAccountMatchInvitedAccount"))
            {
                bool? before = Bool(oldValue), after = Bool(newValue);
                if (before == true && after == false) changes.Add(new SharingPolicyChange(ShareAction.Add, GranteeType.User, "guests signing in with any account", n, details));
                else if (before == false && after == true) changes.Add(new SharingPolicyChange(ShareAction.Remove, GranteeType.User, "guests signing in with any account", n, details));
            }
        }
        return changes;
    }

    /// <summary>
    /// SharingCapability, from the most closed: Disabled (0), ExistingExternalUserSharingOnly (3),
    /// ExternalUserSharingOnly (1), ExternalUserAndGuestSharing (2, Anyone links). Written as the enum
    /// name, its number, or the admin center's words.
    /// </summary>
    private static void SharingLevel(string name, string oldValue, string newValue, string details, List<SharingPolicyChange> changes)
    {
        int? before = SharingRank(oldValue), after = SharingRank(newValue);
        if (after is not int a) return;
        if (before is not int b)
        {
            // The old value is not recorded or not readable: only a level that allows Anyone links is worth reporting.
            if (a == 3) changes.Add(new SharingPolicyChange(ShareAction.Add, GranteeType.AnonymousLink, Anyone, name, details));
            return;
        }
        if (a == b) return;
        if (a < b)
        {
            var (type, who) = b == 3 ? (GranteeType.AnonymousLink, Anyone) : (GranteeType.User, b == 1 ? "existing guests" : "new and existing guests");
            changes.Add(new SharingPolicyChange(ShareAction.Remove, type, who, name, details));
            return;
        }
        if (a == 3) changes.Add(new SharingPolicyChange(ShareAction.Add, GranteeType.AnonymousLink, Anyone, name, details));
        else changes.Add(new SharingPolicyChange(ShareAction.Add, GranteeType.User, a == 1 ? "existing guests" : "new and existing guests", name, details));
    }

    internal static int? SharingRank(string value)
    {
        string v = Squash(value);
        switch (v)
        {
            case "0":
            case "disabled":
            case "onlypeopleinyourorganization":
                return 0;
            case "3":
            case "existingexternalusersharingonly":
            case "existingguests":
                return 1;
            case "1":
            case "externalusersharingonly":
            case "newandexistingguests":
                return 2;
            case "2":
            case "externaluserandguestsharing":
            case "anyone":
                return 3;
            default:
                return null;
        }
    }

    private static bool IsAnonymousLinkType(string value)
    {
        string v = Squash(value);
        return v == "3" || v == "anonymousaccess" || v == "anyone";
    }

    /// <summary>SharingDomainRestrictionMode, from the most closed: AllowList (1) 2, BlockList (2) 1, None (0) 0.</summary>
    private static int? RestrictionRank(string value) => Squash(value) switch
    {
        "1" or "allowlist" => 2,
        "2" or "blocklist" => 1,
        "0" or "none" => 0,
        _ => null,
    };

    private static bool? Bool(string value) => Squash(value) switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };

    /// <summary>The domains of a list written with spaces, commas or semicolons (the log may cut it with "...").</summary>
    internal static HashSet<string> Domains(string value)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var token in value.Split(new[] { ' ', ',', ';', '\t', '\r', '\n', '"', '[', ']' }, StringSplitOptions.RemoveEmptyEntries))
        {
            string d = token.Trim().Trim('.').ToLowerInvariant();
            if (d.Length > 2 && d.IndexOf('.') > 0 && d.All(c => char.IsLetterOrDigit(c) || c == '.' || c == '-')) set.Add(d);
        }
        return set;
    }

    private static bool Has(string name, string part) => name.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0;

    /// <summary>Lower case without spaces, dashes or underscores: "New and existing guests" is "newandexistingguests".</summary>
    private static string Squash(string value)
    {
        var chars = value.Where(c => !char.IsWhiteSpace(c) && c != '-' && c != '_').Select(c => char.ToLowerInvariant(c)).ToArray();
        return new string(chars);
    }
}
