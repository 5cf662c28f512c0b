using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Queries;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// Reads the grants of the S3 calls that open a bucket to other accounts: PutBucketPolicy, PutBucketAcl,
/// PutBucketReplication, and the data event CopyObject into a bucket of another account.
/// </summary>
internal static class StorageGrantExtractors
{
    private const string S3 = "s3.amazonaws.com";

    /// <summary>What Details says when a bucket is named without the account that owns it.</summary>
    public const string OwnerNotRecorded = "destination bucket owner not recorded";

    public static readonly AwsShareOperation[] Operations =
    {
        new AwsDetectionDefinition("PutBucketPolicy", S3, ShareCategory.Storage, "S3Bucket", AwsValue.Text(AwsPath.Rp("bucketName")),
            new[] { AwsPolicy.Document(AwsPath.Rp("bucketPolicy"), "bucketPolicy") }).ToOperation(),
        new AwsDetectionDefinition("PutBucketAcl", S3, ShareCategory.Storage, "S3Bucket", AwsValue.Text(AwsPath.Rp("bucketName")),
            new AwsGranteeRule[] { new ProceduralRule((view, set) => BucketAcl(view.RequestParameters, set), BucketAclSql, BucketAclKql) }).ToOperation(),
        new AwsDetectionDefinition("PutBucketReplication", S3, ShareCategory.Storage, "S3Bucket", AwsValue.Text(AwsPath.Rp("bucketName")),
            new AwsGranteeRule[] { new ProceduralRule((view, set) => Replication(view.RequestParameters, set), ReplicationSql, ReplicationKql) }).ToOperation(),
        new AwsDetectionDefinition("CopyObject", S3, ShareCategory.Storage, "S3Object", null,
            new AwsGranteeRule[] { new ProceduralRule((view, set) => CopyObject(view.RequestParameters, view.Record, set), CopyObjectSql, CopyObjectKql) }).ToOperation(),
    };

    /// <summary>
    /// The ACL in the body (<c>AccessControlPolicy.AccessControlList.Grant</c>, one grant or a list) or in the
    /// headers (<c>x-amz-acl</c> canned ACLs, <c>x-amz-grant-*</c> lists). AllUsers and AuthenticatedUsers are
    /// public; a canonical user id other than the bucket owner's (<c>Owner.ID</c>) and an e-mail grantee are
    /// users outside the zone (the zone has no canonical ids), and a canonical id that cannot be compared with the
    /// owner's (header form) is unknown; the LogDelivery group only writes access logs.
    /// </summary>
    private static AwsGrantSet BucketAcl(JsonElement rp, AwsGrantSet set)
    {
        var policy = rp.Get("AccessControlPolicy");
        bool found = false;
        if (policy.ValueKind == JsonValueKind.Object)
        {
            found = true;
            string? owner = policy.Get("Owner").Text("ID");
            foreach (var grant in policy.Get("AccessControlList").Get("Grant").OneOrMany())
            {
                var grantee = grant.Get("Grantee");
                AddAclGrantee(set, grant.Text("Permission"), grantee.Text("URI"), grantee.Text("ID"), grantee.Text("EmailAddress"), grantee.Text("DisplayName"), owner);
            }
        }
        var canned = rp.Get("x-amz-acl");
        if (canned.ValueKind != JsonValueKind.Undefined)
        {
            found = true;
            foreach (string acl in canned.Strings()) CannedAcl(set, acl.Trim());
        }
        foreach (var (header, permission) in GrantHeaders)
        {
            var value = rp.Get(header);
            if (value.ValueKind == JsonValueKind.Undefined) continue;
            found = true;
            foreach (string list in value.Strings())
            {
                foreach (string entry in list.Split(','))
                {
                    int eq = entry.IndexOf('=');
                    if (eq <= 0) continue;
                    string type = entry.Substring(0, eq).Trim();
                    string id = entry.Substring(eq + 1).Trim().Trim('"');
                    bool isUri = string.Equals(type, "uri", StringComparison.OrdinalIgnoreCase);
                    bool isEmail = string.Equals(type, "emailAddress", StringComparison.OrdinalIgnoreCase);
                    AddAclGrantee(set, permission, isUri ? id : null, !isUri && !isEmail ? id : null, isEmail ? id : null, null, null);
                }
            }
        }
        return found ? set : set.Incomplete("has neither an AccessControlPolicy nor x-amz-acl / x-amz-grant-* headers, so what it grants cannot be read");
    }

    private static readonly (string Header, string Permission)[] GrantHeaders =
    {
        ("x-amz-grant-read", "READ"), ("x-amz-grant-write", "WRITE"), ("x-amz-grant-read-acp", "READ_ACP"),
        ("x-amz-grant-write-acp", "WRITE_ACP"), ("x-amz-grant-full-control", "FULL_CONTROL"),
    };

    private const string AllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
    private const string AuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

    /// <summary>public-read, public-read-write and authenticated-read open the bucket; the other canned ACLs keep it to the owner.</summary>
    private static void CannedAcl(AwsGrantSet set, string acl)
    {
        string details = "canned ACL " + acl;
        switch (acl.ToLowerInvariant())
        {
            case "public-read":
                set.Add(ShareAction.Add, AllUsers, GranteeType.Public, "READ", details);
                break;
            case "public-read-write":
                set.Add(ShareAction.Add, AllUsers, GranteeType.Public, "READ, WRITE", details);
                break;
            case "authenticated-read":
                set.Add(ShareAction.Add, AuthenticatedUsers, GranteeType.Public, "READ", details);
                break;
        }
    }

    private static void AddAclGrantee(AwsGrantSet set, string? permission, string? uri, string? id, string? email, string? displayName, string? owner)
    {
        if (uri != null)
        {
            if (AwsGrantee.IsLogDeliveryGroup(uri)) return;
            bool everyone = AwsGrantee.IsPublicGroup(uri);
            set.Add(ShareAction.Add, uri, everyone ? GranteeType.Public : GranteeType.Unknown, permission, everyone ? null : "S3 group");
        }
        else if (id != null)
        {
            if (string.Equals(id, owner, StringComparison.OrdinalIgnoreCase)) return;
            string name = displayName != null ? $"S3 canonical user id ({displayName})" : "S3 canonical user id";
            if (owner != null)
            {
                set.Add(ShareAction.Add, id, GranteeType.User, permission, name);
            }
            else
            {
                // Without the owner's canonical id (header form, or a body without Owner) the grant may be the owner's own.
                set.Add(ShareAction.Add, id, GranteeType.Unknown, permission, name + "; the record has no owner id to compare it with");
            }
        }
        else if (email != null)
        {
            set.Add(ShareAction.Add, email, GranteeType.User, permission, "e-mail address of an AWS account");
        }
    }

    /// <summary>
    /// <c>ReplicationConfiguration.Rule</c> (one rule or a list): each enabled rule copies new objects to
    /// <c>Destination.Bucket</c>, owned by <c>Destination.Account</c> when the rule names it. Without it the
    /// owner is unknown (a bucket ARN has no account). A disabled rule copies nothing and is no grant.
    /// </summary>
    private static AwsGrantSet Replication(JsonElement rp, AwsGrantSet set)
    {
        var configuration = rp.Get("ReplicationConfiguration");
        if (configuration.ValueKind != JsonValueKind.Object)
        {
            return set.Incomplete("has no ReplicationConfiguration, so where it copies to cannot be read");
        }
        foreach (var rule in configuration.Get("Rule", "Rules").OneOrMany())
        {
            if (string.Equals(rule.Text("Status"), "Disabled", StringComparison.OrdinalIgnoreCase)) continue;
            var destination = rule.Get("Destination");
            string? bucket = destination.Text("Bucket");
            string? account = destination.Text("Account");
            if (bucket == null && account == null)
            {
                set.Incomplete("has a replication rule without a destination bucket or account");
                continue;
            }
            var details = new List<string>();
            if (bucket != null) details.Add("destination bucket " + bucket);
            if (string.Equals(destination.Get("AccessControlTranslation").Text("Owner"), "Destination", StringComparison.OrdinalIgnoreCase))
            {
                details.Add("replicas owned by the destination account");
            }
            string? id = rule.Text("ID");
            if (id != null) details.Add("rule " + id);
            if (account != null)
            {
                set.Add(ShareAction.Add, account, null, "replication", string.Join("; ", details));
            }
            else
            {
                details.Insert(0, OwnerNotRecorded);
                set.Add(ShareAction.Add, AwsJson.BucketArn(bucket!), GranteeType.Unknown, "replication", string.Join("; ", details));
            }
        }
        return set;
    }

    /// <summary>The S3 groups as SQL tests on a trimmed URI (<see cref="AwsGrantee.IsPublicGroup"/>, <see cref="AwsGrantee.IsLogDeliveryGroup"/>).</summary>
    private static string IsGroup(AwsSqlContext c, string uri, string groups) =>
        $"COALESCE({c.Dialect.Matches($"regexp_replace(trim({uri}), '/+$', '')", "(?i)^(.*acs\\.amazonaws\\.com/groups/(.*/)?)?(" + groups + ")$")}, FALSE)";

    /// <summary>
    /// The ACL in SQL: the body's grants (one or a list), the canned ACLs that open the bucket, and each
    /// x-amz-grant-* header split into its type=value entries.
    /// </summary>
    private static IEnumerable<AwsSqlGrant> BucketAclSql(AwsSqlContext c)
    {
        var d = c.Dialect;
        var (bindPolicy, policy) = c.Bind(c.Json(AwsPath.Rp("AccessControlPolicy")));
        var (bindGrants, grants) = c.Bind(d.JsonAt(d.JsonAt(policy, "$.AccessControlList"), "$.Grant"));
        var (unnestGrants, grant) = d.Unnest(d.Items(grants), c.NewAlias("g"));
        var (bindGrantee, grantee) = c.Bind(d.JsonAt(grant, "$.Grantee"));
        string owner = d.TextAt(d.JsonAt(policy, "$.Owner"), "$.ID");
        string uri = d.TextAt(grantee, "$.URI"), id = d.TextAt(grantee, "$.ID"), email = d.TextAt(grantee, "$.EmailAddress");
        yield return new AwsSqlGrant("'Add'", $"COALESCE({uri}, {id}, {email})",
            $"CASE WHEN {uri} IS NOT NULL THEN CASE WHEN {IsGroup(c, uri, "AllUsers|AuthenticatedUsers")} THEN 'Public' ELSE 'Unknown' END " +
            $"WHEN {id} IS NOT NULL THEN CASE WHEN {owner} IS NOT NULL THEN 'User' ELSE 'Unknown' END ELSE 'User' END")
        {
            From = string.Join("\n  ", bindPolicy, bindGrants, unnestGrants, bindGrantee),
            Permission = d.TextAt(grant, "$.Permission"),
        }
        .And($"{d.IsJsonObject(policy)}")
        .And($"NOT ({uri} IS NOT NULL AND {IsGroup(c, uri, "LogDelivery")})")
        .And($"NOT ({uri} IS NULL AND {id} IS NOT NULL AND COALESCE(lower({id}) = lower({owner}), FALSE))");

        var (bindCanned, canned) = c.Bind(c.Json(AwsPath.Rp("x-amz-acl")));
        var (unnestCanned, acl) = d.Unnest(d.Items(canned), c.NewAlias("c"));
        string cannedText = $"lower(trim({d.ScalarText(acl)}))";
        yield return new AwsSqlGrant("'Add'",
            $"CASE WHEN {cannedText} IN ('public-read', 'public-read-write') THEN '{AllUsers}' WHEN {cannedText} = 'authenticated-read' THEN '{AuthenticatedUsers}' END", "'Public'")
        { From = bindCanned + "\n  " + unnestCanned };

        foreach (var (header, permission) in GrantHeaders)
        {
            var (bindHeader, value) = c.Bind(c.Json(AwsPath.Rp(header)));
            var (unnestValues, item) = d.Unnest(d.Items(value), c.NewAlias("h"));
            var (unnestEntries, entry) = d.Unnest(d.Split(d.ScalarText(item), ","), c.NewAlias("e"));
            string eq = $"strpos({entry}, '=')";
            string type = $"lower(trim(substr({entry}, 1, {eq} - 1)))";
            string text = $"regexp_replace(regexp_replace(trim(substr({entry}, {eq} + 1)), '^\"+', ''), '\"+$', '')";
            yield return new AwsSqlGrant("'Add'", text,
                $"CASE WHEN {type} = 'uri' THEN CASE WHEN {IsGroup(c, text, "AllUsers|AuthenticatedUsers")} THEN 'Public' ELSE 'Unknown' END WHEN {type} = 'emailaddress' THEN 'User' ELSE 'Unknown' END")
            {
                From = string.Join("\n  ", bindHeader, unnestValues, unnestEntries),
                Permission = d.Literal(permission),
            }
            .And($"{eq} > 1")
            .And($"NOT ({type} = 'uri' AND {IsGroup(c, text, "LogDelivery")})");
        }
    }

    private static string IsGroupKql(string uri, string groups) =>
        $"(trim_end(@\"/+\", trim(@\"\\s+\", {uri})) matches regex {Kql.Literal("(?i)^(.*acs\\.amazonaws\\.com/groups/(.*/)?)?(" + groups + ")$")})";

    /// <summary>The ACL in KQL, as <see cref="BucketAclSql"/>: the body's grants, the canned ACLs, the x-amz-grant-* entries.</summary>
    private static IEnumerable<AwsKqlGrant> BucketAclKql(AwsKqlContext c)
    {
        var (bindPolicy, policy) = c.Bind(c.Json(AwsPath.Rp("AccessControlPolicy")));
        var (expandGrants, grant) = c.Expand($"JItems({policy}[\"AccessControlList\"][\"Grant\"])");
        var (bindGrantee, grantee) = c.Bind($"{grant}[\"Grantee\"]");
        var (bindUri, uri) = c.Bind($"JText({grantee}[\"URI\"])");
        var (bindId, id) = c.Bind($"JText({grantee}[\"ID\"])");
        var (bindEmail, email) = c.Bind($"JText({grantee}[\"EmailAddress\"])");
        var (bindOwner, owner) = c.Bind($"JText({policy}[\"Owner\"][\"ID\"])");
        yield return new AwsKqlGrant("\"Add\"", $"coalesce({uri}, {id}, {email})",
            $"case(isnotempty({uri}), iff({IsGroupKql(uri, "AllUsers|AuthenticatedUsers")}, \"Public\", \"Unknown\"), isnotempty({id}), iff(isnotempty({owner}), \"User\", \"Unknown\"), \"User\")")
        {
            Steps = new[] { bindPolicy, expandGrants, bindGrantee, bindUri, bindId, bindEmail, bindOwner },
            Permission = $"JText({grant}[\"Permission\"])",
        }
        .And($"gettype({policy}) == \"dictionary\"")
        .And($"not(isnotempty({uri}) and {IsGroupKql(uri, "LogDelivery")})")
        .And($"not(isempty({uri}) and isnotempty({id}) and tolower({id}) == tolower({owner}))");

        var (expandCanned, acl) = c.Expand($"JItems({c.Json(AwsPath.Rp("x-amz-acl"))})");
        var (bindCanned, canned) = c.Bind($"tolower(trim(@\"\\s+\", JText({acl})))");
        yield return new AwsKqlGrant("\"Add\"",
            $"case({canned} in (\"public-read\", \"public-read-write\"), \"{AllUsers}\", {canned} == \"authenticated-read\", \"{AuthenticatedUsers}\", \"\")", "\"Public\"")
        {
            Steps = new[] { expandCanned, bindCanned },
            Permission = $"case({canned} == \"public-read-write\", \"READ, WRITE\", \"READ\")",
        };

        foreach (var (header, permission) in GrantHeaders)
        {
            var (expandValues, item) = c.Expand($"JItems({c.Json(AwsPath.Rp(header))})");
            var (expandEntries, entry) = c.Expand($"split(JText({item}), \",\")", typed: true);
            var (bindEq, eq) = c.Bind($"indexof({entry}, \"=\")");
            var (bindType, type) = c.Bind($"tolower(trim(@\"\\s+\", substring({entry}, 0, {eq})))");
            var (bindText, text) = c.Bind($"trim({Kql.Literal("\"+")}, trim(@\"\\s+\", substring({entry}, {eq} + 1)))");
            yield return new AwsKqlGrant("\"Add\"", text,
                $"case({type} == \"uri\", iff({IsGroupKql(text, "AllUsers|AuthenticatedUsers")}, \"Public\", \"Unknown\"), {type} == \"emailaddress\", \"User\", \"Unknown\")")
            {
                // Entries without "=" (or starting with it) are left out before substring reads them.
                Steps = new[] { expandValues, expandEntries, bindEq, $"| where {eq} > 0", bindType, bindText },
                Permission = Kql.Literal(permission),
            }
            .And($"not({type} == \"uri\" and {IsGroupKql(text, "LogDelivery")})");
        }
    }

    /// <summary>The replication rules in KQL, as <see cref="ReplicationSql"/>.</summary>
    private static IEnumerable<AwsKqlGrant> ReplicationKql(AwsKqlContext c)
    {
        var (bindConfiguration, configuration) = c.Bind(c.Json(AwsPath.Rp("ReplicationConfiguration")));
        var (expandRules, rule) = c.Expand($"JItems(coalesce({configuration}[\"Rule\"], {configuration}[\"Rules\"]))");
        var (bindAccount, account) = c.Bind($"JText({rule}[\"Destination\"][\"Account\"])");
        var (bindBucket, bucket) = c.Bind($"JText({rule}[\"Destination\"][\"Bucket\"])");
        yield return new AwsKqlGrant("\"Add\"", $"coalesce({account}, {c.BucketArn(bucket)})", $"iff(isempty({account}), \"Unknown\", \"\")")
        {
            Steps = new[] { bindConfiguration, expandRules, bindAccount, bindBucket },
            Permission = "\"replication\"",
        }
        .And($"gettype({configuration}) == \"dictionary\"")
        .And($"tolower(JText({rule}[\"Status\"])) != \"disabled\"");
    }

    /// <summary>
    /// CopyObject in KQL, as <see cref="CopyObjectSql"/>: the buckets of the Resources column (type AWS::S3::Bucket, name
    /// after the ARN's last colon), the destination's first match its owner, the copy source's first match the data's owner.
    /// </summary>
    private static IEnumerable<AwsKqlGrant> CopyObjectKql(AwsKqlContext c)
    {
        var (bindDestination, destination) = c.Bind(c.Text(AwsPath.Rp("bucketName")));
        var (bindCopy, copySource) = c.Bind($"trim_start(@\"/+\", url_decode({AwsValue.FirstString(AwsPath.Rp("x-amz-copy-source")).Kql(c)}))");
        var (bindSource, source) = c.Bind($"tostring(split({copySource}, \"/\")[0])");
        var (bindBuckets, buckets) = c.Bind("JItems(todynamic(Resources))");
        // One null element for a record without resources: the subquery then sees one row (filtered out) and still summarizes to one.
        // The subquery of mv-apply sees only the expanded column: it lists the buckets (names and owners in parallel, and
        // as pairs); the first match of the destination and of the source is found outside with array_index_of.
        string r = c.NewName("r"), name = c.NewName("n"), account = c.NewName("a");
        string names = c.NewName("l"), accounts = c.NewName("l"), all = c.NewName("b");
        string apply =
            $"| mv-apply {r} = iff(array_length({buckets}) == 0, dynamic([null]), {buckets}) on (where tolower(JText({r}[\"type\"])) == \"aws::s3::bucket\" and JText({r}[\"ARN\"]) startswith_cs \"arn:\"\n" +
            $"        | extend {name} = extract(@\"[^:]*$\", 0, JText({r}[\"ARN\"])), {account} = JText({r}[\"accountId\"])\n" +
            $"        | summarize {names} = make_list({name}), {accounts} = make_list({account}), {all} = make_list(pack_array({name}, {account})))";
        var (bindAt, at) = c.Bind($"array_index_of({names}, {destination})");
        var (bindFrom, from) = c.Bind($"array_index_of({names}, {source})");
        var (bindFound, found) = c.Bind($"isnotempty({destination}) and {at} >= 0");
        var (bindDestinationAccount, destinationAccount) = c.Bind($"iff({at} >= 0, tostring({accounts}[{at}]), \"\")");
        var (bindSourceAccount, sourceAccount) = c.Bind($"iff(isnotempty({source}) and {from} >= 0, tostring({accounts}[{from}]), \"\")");
        var steps = new[] { bindDestination, bindCopy, bindSource, bindBuckets, apply, bindAt, bindFrom, bindFound, bindDestinationAccount, bindSourceAccount };
        string resourceId = $"iff(isnotempty({copySource}), {copySource}, iff(isnotempty({destination}), strcat({destination}, \"/\", {c.Text(AwsPath.Rp("key"))}), \"\"))";
        yield return new AwsKqlGrant("\"Add\"", c.BucketArn(destination), "\"Unknown\"")
            { Steps = steps, Owner = sourceAccount, Permission = "\"CopyObject\"", ResourceId = resourceId }
            .And(found).And($"isempty({destinationAccount})");
        yield return new AwsKqlGrant("\"Add\"", destinationAccount, "\"\"")
            { Steps = steps, Owner = sourceAccount, Permission = "\"CopyObject\"", ResourceId = resourceId }
            .And(found).And($"isnotempty({destinationAccount})").And($"{destinationAccount} != coalesce({sourceAccount}, RecipientAccountId)");
        var (expandBucket, bucket) = c.Expand(all);
        yield return new AwsKqlGrant("\"Add\"", $"tostring({bucket}[1])", "\"\"")
            { Steps = steps.Concat(new[] { expandBucket }).ToList(), Owner = sourceAccount, Permission = "\"CopyObject\"", ResourceId = resourceId }
            .And($"not({found})").And($"isnotempty(tostring({bucket}[1]))").And($"tostring({bucket}[1]) != RecipientAccountId");
    }

    /// <summary>The replication rules in SQL: each rule not Disabled, to its destination account, else to its bucket (owner unknown).</summary>
    private static IEnumerable<AwsSqlGrant> ReplicationSql(AwsSqlContext c)
    {
        var d = c.Dialect;
        var (bindConfiguration, configuration) = c.Bind(c.Json(AwsPath.Rp("ReplicationConfiguration")));
        var (bindRules, rules) = c.Bind($"COALESCE({d.JsonAt(configuration, "$.Rule")}, {d.JsonAt(configuration, "$.Rules")})");
        var (unnestRules, rule) = d.Unnest(d.Items(rules), c.NewAlias("r"));
        var (bindDestination, destination) = c.Bind(d.JsonAt(rule, "$.Destination"));
        string account = d.TextAt(destination, "$.Account"), bucket = d.TextAt(destination, "$.Bucket");
        yield return new AwsSqlGrant("'Add'", $"COALESCE({account}, CASE WHEN {bucket} LIKE 'arn:%' THEN {bucket} ELSE 'arn:aws:s3:::' || {bucket} END)",
            $"CASE WHEN {account} IS NULL THEN 'Unknown' END")
        {
            From = string.Join("\n  ", bindConfiguration, bindRules, unnestRules, bindDestination),
            Permission = "'replication'",
        }
        .And(d.IsJsonObject(configuration))
        .And($"COALESCE(lower({d.TextAt(rule, "$.Status")}) <> 'disabled', TRUE)");
    }

    /// <summary>
    /// CopyObject in SQL: the buckets of the record's resources (type AWS::S3::Bucket, name after the ARN's last colon);
    /// the destination's first match gives its owner, the copy source's first match the data's owner.
    /// </summary>
    private static IEnumerable<AwsSqlGrant> CopyObjectSql(AwsSqlContext c)
    {
        var d = c.Dialect;
        string IsBucket(Func<string, string> f) => $"(lower({f("type")}) = 'aws::s3::bucket' AND {f("arn")} LIKE 'arn:%')";
        string Name(Func<string, string> f) => $"regexp_replace({f("arn")}, '^.*:', '')";
        var (bindDestination, destination) = c.Bind(c.Text(AwsPath.Rp("bucketName")));
        var (bindCopy, copySource) = c.Bind($"regexp_replace(url_decode({AwsValue.FirstString(AwsPath.Rp("x-amz-copy-source")).Sql(c)}), '^/+', '')");
        var (bindSource, source) = c.Bind($"split_part({copySource}, '/', 1)");
        Func<string, string> r = f => "r." + f;
        var (bindMatches, matches) = c.Bind(d.Filter("b.resources", "r", $"{IsBucket(r)} AND {Name(r)} = {destination}"));
        var (bindSourceAccount, sourceAccount) = c.Bind("(" + d.First(d.Filter("b.resources", "r", $"{IsBucket(r)} AND {Name(r)} = {source}")) + ").accountid");
        string from = string.Join("\n  ", bindDestination, bindCopy, bindSource, bindMatches, bindSourceAccount);
        string found = $"({destination} IS NOT NULL AND COALESCE({d.Length(matches)}, 0) > 0)";
        string destinationAccount = "(" + d.First(matches) + ").accountid";
        string recipient = "COALESCE(b.recipientaccountid, '')";
        yield return new AwsSqlGrant("'Add'", $"CASE WHEN {destination} LIKE 'arn:%' THEN {destination} ELSE 'arn:aws:s3:::' || {destination} END", "'Unknown'")
            { From = from, Owner = sourceAccount, Permission = "'CopyObject'" }
            .And(found).And($"{destinationAccount} IS NULL");
        yield return new AwsSqlGrant("'Add'", destinationAccount, "CAST(NULL AS VARCHAR)") { From = from, Owner = sourceAccount, Permission = "'CopyObject'" }
            .And(found).And($"{destinationAccount} IS NOT NULL").And($"{destinationAccount} <> COALESCE({sourceAccount}, {recipient})");
        var (unnest, field) = d.UnnestResources("b.resources", c.NewAlias("res"));
        yield return new AwsSqlGrant("'Add'", field("accountid"), "CAST(NULL AS VARCHAR)") { From = from + "\n  " + unnest, Owner = sourceAccount, Permission = "'CopyObject'" }
            .And($"NOT {found}").And(IsBucket(field)).And($"{field("accountid")} IS NOT NULL").And($"{field("accountid")} <> {recipient}");
    }

    /// <summary>x-amz-copy-source is URL-encoded; text that does not decode is kept as written.</summary>
    private static string Unescaped(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return text;
        }
    }

    /// <summary>
    /// CopyObject (a data event): <c>bucketName</c> is the destination, <c>x-amz-copy-source</c> the source
    /// bucket and key; <c>resources[]</c> names each bucket with its owner's <c>accountId</c>. A copy into a
    /// bucket of another account than the source's is a grant to that account; a copy within one account is
    /// none. A destination bucket listed without an owner (CloudTrail redacts it on some cross-account calls)
    /// is reported with its owner unknown. When the request's bucket names are not among the resources, a
    /// bucket of another account than the recipient's is still reported, saying the direction is not recorded.
    /// </summary>
    private static AwsGrantSet? CopyObject(JsonElement rp, JsonElement record, AwsGrantSet definitionSet)
    {
        string? destination = rp.Text("bucketName");
        string? copySource = rp.Get("x-amz-copy-source").Strings() is { Count: > 0 } s ? Unescaped(s[0]).TrimStart('/') : null;
        string? source = copySource?.Split('/')[0];
        string? key = rp.Text("key");
        var set = definitionSet.WithResourceId(copySource ?? (destination != null ? destination + "/" + key : null));
        string recipient = record.Text("recipientAccountId") ?? "";

        var buckets = new List<(string Name, string? Account)>();
        foreach (var resource in record.Get("resources").OneOrMany())
        {
            if (!string.Equals(resource.Text("type"), "AWS::S3::Bucket", StringComparison.OrdinalIgnoreCase)) continue;
            string? arn = resource.Text("ARN");
            if (arn != null && arn.StartsWith("arn:", StringComparison.Ordinal)) buckets.Add((arn.Substring(arn.LastIndexOf(':') + 1), resource.Text("accountId")));
        }
        int at = destination == null ? -1 : buckets.FindIndex(b => b.Name == destination);
        string? sourceAccount = source == null ? null : buckets.Find(b => b.Name == source).Account;
        set.OwnerAccountId = sourceAccount;
        string where = $"copied to s3://{destination}/{key}";
        if (at >= 0)
        {
            string? destinationAccount = buckets[at].Account;
            if (destinationAccount == null)
            {
                set.Add(ShareAction.Add, AwsJson.BucketArn(destination!), GranteeType.Unknown, "CopyObject", OwnerNotRecorded + "; " + where);
            }
            else if (destinationAccount != (sourceAccount ?? recipient))
            {
                set.Add(ShareAction.Add, destinationAccount, null, "CopyObject", where + " (bucket of account " + destinationAccount + ")");
            }
            return set;
        }
        foreach (var (name, account) in buckets)
        {
            if (account != null && account != recipient)
            {
                set.Add(ShareAction.Add, account, null, "CopyObject",
                    $"bucket {name} of account {account} takes part in a copy ({where}); the record's resources do not say which bucket is the destination");
            }
        }
        return set;
    }
}
