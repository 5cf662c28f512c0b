using System;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>An AWS grantee as written in a log, classified: account, organization, OU, public or unknown.</summary>
public readonly struct AwsGrantee
{
    private AwsGrantee(GranteeType type, string? accountId, string? organizationId, string? organizationalUnitId)
    {
        Type = type;
        AccountId = accountId;
        OrganizationId = organizationId;
        OrganizationalUnitId = organizationalUnitId;
    }

    public GranteeType Type { get; }

    /// <summary>The 12-digit account, for an account id or an IAM/STS ARN.</summary>
    public string? AccountId { get; }

    /// <summary>The o-... id, for an organization or OU ARN.</summary>
    public string? OrganizationId { get; }

    /// <summary>The ou-... id, for an OU ARN.</summary>
    public string? OrganizationalUnitId { get; }

    /// <summary>
    /// Classifies "all" / "*" (public), the S3 groups AllUsers and AuthenticatedUsers (as names or
    /// http://acs.amazonaws.com/groups/global/... URIs: public), a 12-digit account id, an organization
    /// ARN (arn:aws:organizations::111122223333:organization/o-abc) or bare o-... id, an OU ARN
    /// (.../ou/o-abc/ou-ab12-cdef3456) or bare ou-... id, an organization path as aws:PrincipalOrgPaths writes
    /// it (o-abc/r-ab12/ou-ab12-cdef3456/), and IAM or STS ARNs (their account). Anything else (an EC2 group
    /// other than "all", a canonical user id, a service principal, a malformed id) is Unknown.
    /// </summary>
    public static AwsGrantee Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return new AwsGrantee(GranteeType.Unknown, null, null, null);
        string t = text!.Trim();
        if (t == "*" || string.Equals(t, "all", StringComparison.OrdinalIgnoreCase) || IsPublicGroup(t))
        {
            return new AwsGrantee(GranteeType.Public, null, null, null);
        }
        if (IsAccountId(t)) return new AwsGrantee(GranteeType.Account, t, null, null);
        if (IsOrganizationId(t)) return new AwsGrantee(GranteeType.Organization, null, t, null);
        if (IsOrganizationalUnitId(t)) return new AwsGrantee(GranteeType.OrganizationalUnit, null, null, t);
        if (t.StartsWith("o-", StringComparison.Ordinal)) return OrganizationPath(t);
        if (t.StartsWith("arn:", StringComparison.Ordinal))
        {
            // arn:partition:service:region:account:resource
            string[] parts = t.Split(new[] { ':' }, 6);
            if (parts.Length == 6)
            {
                string service = parts[2];
                string account = parts[4];
                string resource = parts[5];
                if (service == "organizations")
                {
                    string[] r = resource.Split('/');
                    if (r.Length == 2 && r[0] == "organization" && IsOrganizationId(r[1]))
                    {
                        return new AwsGrantee(GranteeType.Organization, null, r[1], null);
                    }
                    if (r.Length == 3 && r[0] == "ou" && IsOrganizationId(r[1]) && IsOrganizationalUnitId(r[2]))
                    {
                        return new AwsGrantee(GranteeType.OrganizationalUnit, null, r[1], r[2]);
                    }
                }
                else if ((service == "iam" || service == "sts") && IsAccountId(account))
                {
                    return new AwsGrantee(GranteeType.Account, account, null, null);
                }
            }
        }
        return new AwsGrantee(GranteeType.Unknown, null, null, null);
    }

    /// <summary>An aws:PrincipalOrgPaths value: o-abc/r-ab12/ou-ab12-cdef3456/ (its deepest concrete OU), or o-abc/* (the organization).</summary>
    private static AwsGrantee OrganizationPath(string path)
    {
        string[] parts = path.TrimEnd('/', '*').Split('/');
        if (!IsOrganizationId(parts[0])) return new AwsGrantee(GranteeType.Unknown, null, null, null);
        for (int i = parts.Length - 1; i > 0; i--)
        {
            if (IsOrganizationalUnitId(parts[i])) return new AwsGrantee(GranteeType.OrganizationalUnit, null, parts[0], parts[i]);
        }
        return new AwsGrantee(GranteeType.Organization, null, parts[0], null);
    }

    /// <summary>The S3 ACL groups that are everyone: AllUsers (anonymous) and AuthenticatedUsers (any AWS account).</summary>
    public static bool IsPublicGroup(string? s) =>
        s != null && (EndsWithGroup(s, "AllUsers") || EndsWithGroup(s, "AuthenticatedUsers"));

    /// <summary>The S3 log-delivery group, which writes access logs into the bucket and reads nothing.</summary>
    public static bool IsLogDeliveryGroup(string? s) => s != null && EndsWithGroup(s, "LogDelivery");

    private static bool EndsWithGroup(string s, string group)
    {
        string t = s.Trim().TrimEnd('/');
        if (string.Equals(t, group, StringComparison.OrdinalIgnoreCase)) return true;
        int slash = t.LastIndexOf('/');
        return slash >= 0 && t.IndexOf("acs.amazonaws.com/groups/", StringComparison.OrdinalIgnoreCase) >= 0 &&
            string.Equals(t.Substring(slash + 1), group, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// An AWS service acting for the account (ec2.amazonaws.com, dynamodb.us-west-2.amazonaws.com, the CloudFront
    /// origin access identity user, KMS's "AWS Internal"): not another account, so not a share.
    /// </summary>
    public static bool IsServicePrincipal(string? s)
    {
        if (s == null) return false;
        string t = s.Trim();
        return t.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase) || t.EndsWith(".amazonaws.com.cn", StringComparison.OrdinalIgnoreCase) ||
            t.EndsWith(".amazon.com", StringComparison.OrdinalIgnoreCase) || string.Equals(t, "AWS Internal", StringComparison.OrdinalIgnoreCase) ||
            t.StartsWith("arn:aws:iam::cloudfront:user/", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The account field of any ARN (arn:aws:backup:us-east-1:444455556666:backup-vault:x), when it is 12 digits.</summary>
    public static string? AccountOfArn(string? arn)
    {
        if (arn == null || !arn.StartsWith("arn:", StringComparison.Ordinal)) return null;
        string[] parts = arn.Split(new[] { ':' }, 6);
        return parts.Length == 6 && IsAccountId(parts[4]) ? parts[4] : null;
    }

    public static bool IsAccountId(string? s)
    {
        if (s == null || s.Length != 12) return false;
        foreach (char c in s)
        {
            if (c < '0' || c > '9') return false;
        }
        return true;
    }

    /// <summary>o- followed by 10 to 32 lower-case letters or digits.</summary>
    public static bool IsOrganizationId(string? s) =>
        s != null && s.StartsWith("o-", StringComparison.Ordinal) && s.Length >= 12 && s.Length <= 34 && IsLowerAlnum(s, 2, s.Length);

    /// <summary>ou- then 4 to 32 lower-case letters or digits, a dash, then 8 to 32 more.</summary>
    public static bool IsOrganizationalUnitId(string? s)
    {
        if (s == null || !s.StartsWith("ou-", StringComparison.Ordinal)) return false;
        int dash = s.IndexOf('-', 3);
        if (dash < 0) return false;
        int root = dash - 3;
        int rest = s.Length - dash - 1;
        return root >= 4 && root <= 32 && rest >= 8 && rest <= 32 && IsLowerAlnum(s, 3, dash) && IsLowerAlnum(s, dash + 1, s.Length);
    }

    private static bool IsLowerAlnum(string s, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            char c = s[i];
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
        }
        return true;
    }
}
