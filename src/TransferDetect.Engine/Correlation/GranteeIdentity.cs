using System;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Engine.Correlation;

/// <summary>Who a share names, as one comparable key: AWS ARNs and account ids of one account agree, other names ignore case.</summary>
internal static class GranteeIdentity
{
    /// <summary>The principal's key (an AWS account id for an account or an IAM/STS ARN; else the name in lower case), or null for none.</summary>
    public static string? Key(Provider provider, string? grantee)
    {
        if (string.IsNullOrWhiteSpace(grantee)) return null;
        if (provider == Provider.Aws)
        {
            var g = AwsGrantee.Parse(grantee);
            if (g.AccountId != null) return g.AccountId;
            if (g.Type == GranteeType.Public) return "all";
            return grantee!.Trim();
        }
        return grantee!.Trim().ToLowerInvariant();
    }

    /// <summary>The grantee's type as the chain shows it (an AWS IAM ARN's account is an account).</summary>
    public static GranteeType TypeOf(ShareEvent e)
    {
        if (e.Provider == Provider.Aws && e.GranteeType != GranteeType.User)
        {
            var t = AwsGrantee.Parse(e.Grantee).Type;
            if (t != GranteeType.Unknown) return t;
        }
        return e.GranteeType;
    }

    /// <summary>Everyone (public) or whoever holds a link: not one principal, so each resource is its own story.</summary>
    public static bool IsEveryone(ShareEvent e)
    {
        var t = TypeOf(e);
        return t == GranteeType.Public || t == GranteeType.AnonymousLink;
    }

    /// <summary>"provider|key" for first-seen and baselines.</summary>
    public static string? Qualified(Provider provider, string? grantee)
    {
        string? key = Key(provider, grantee);
        return key == null ? null : provider.ToString() + "|" + key;
    }

    public static bool Near(DateTime a, DateTime b, TimeSpan window) => (a > b ? a - b : b - a) <= window;

    public static string Describe(Provider provider, GranteeType type, string? grantee) => type switch
    {
        GranteeType.Public => "everyone (public)",
        GranteeType.AnonymousLink => "anyone with the link",
        _ => $"{Detection.ExternalShareDetector.DescribeGrantee(provider, type)} {grantee}",
    };
}
