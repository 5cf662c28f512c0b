using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Queries;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// Reads the grants of a resource policy (S3 bucket, KMS key, ECR repository, Backup vault): one grant
/// per Allow statement and principal. Deny statements grant nothing. A principal "*" narrowed by a
/// condition on the caller's account or organization (aws:PrincipalAccount, aws:SourceAccount,
/// kms:CallerAccount, aws:PrincipalOrgID, aws:SourceOrgID, aws:PrincipalOrgPaths) is a grant to that
/// account or organization, not to the public. Service principals are AWS acting for the owner: no grant.
/// </summary>
internal static class AwsPolicy
{
    /// <summary>The definition element of a policy document at <paramref name="path"/> (an object, or its JSON text).</summary>
    public static AwsGranteeRule Document(AwsPath path, string field) => new PolicyRule(path, field);

    private static readonly string[] AccountKeys = { "aws:PrincipalAccount", "aws:SourceAccount", "kms:CallerAccount" };
    private static readonly string[] OrganizationKeys = { "aws:PrincipalOrgID", "aws:SourceOrgID" };
    private static readonly string[] OrganizationPathKeys = { "aws:PrincipalOrgPaths", "aws:SourceOrgPaths" };

    /// <summary>Condition operators whose match limits who the statement applies to (without IfExists, which lets an absent key pass).</summary>
    private static readonly string[] NarrowingOperators = { "StringEquals", "StringLike", "StringEqualsIgnoreCase", "ArnEquals", "ArnLike" };

    /// <summary>
    /// Adds the grants of <paramref name="policy"/> (a policy object, or the JSON text of one) to <paramref name="set"/>.
    /// A policy that is missing or cannot be read marks the set incomplete, naming <paramref name="field"/>.
    /// </summary>
    public static AwsGrantSet Read(AwsGrantSet set, JsonElement policy, string field)
    {
        if (policy.ValueKind == JsonValueKind.Object) return ReadDocument(set, policy, field);
        if (policy.ValueKind != JsonValueKind.String)
        {
            return set.Incomplete($"has no {field} policy document, so what it grants cannot be read");
        }
        string text = policy.GetString()!;
        if (text.Trim().Length == 0) return set.Incomplete($"has an empty {field}, so what it grants cannot be read");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            return set.Incomplete($"has a {field} that is not valid JSON ({JsonMessages.Clean(e)}), so what it grants cannot be read");
        }
        catch (ArgumentException)
        {
            return set.Incomplete($"has a {field} that is not valid UTF-16 text, so what it grants cannot be read");
        }
        using (doc)
        {
            return doc.RootElement.ValueKind == JsonValueKind.Object
                ? ReadDocument(set, doc.RootElement, field)
                : set.Incomplete($"has a {field} that is not a policy object, so what it grants cannot be read");
        }
    }

    private static AwsGrantSet ReadDocument(AwsGrantSet set, JsonElement document, string field)
    {
        var statements = document.Get("Statement");
        if (statements.ValueKind != JsonValueKind.Object && statements.ValueKind != JsonValueKind.Array)
        {
            return set.Incomplete($"has a {field} without a Statement, so what it grants cannot be read");
        }
        foreach (var statement in statements.OneOrMany())
        {
            if (statement.ValueKind == JsonValueKind.Object) ReadStatement(set, statement);
        }
        return set;
    }

    private static void ReadStatement(AwsGrantSet set, JsonElement statement)
    {
        if (!string.Equals(statement.Text("Effect")?.Trim(), "Allow", StringComparison.OrdinalIgnoreCase)) return;
        string permission = Actions(statement);
        string? sid = statement.Text("Sid");
        var condition = statement.Get("Condition");
        string? others = OtherConditions(condition);

        var notPrincipal = statement.Get("NotPrincipal");
        if (notPrincipal.ValueKind != JsonValueKind.Undefined && notPrincipal.ValueKind != JsonValueKind.Null)
        {
            // Allow with NotPrincipal applies to everyone but the principals named.
            AddEveryone(set, condition, permission, "NotPrincipal (everyone except " + string.Join(", ", AllPrincipals(notPrincipal)) + ")", Join(sid, null, others));
            return;
        }
        var principal = statement.Get("Principal");
        if (principal.ValueKind == JsonValueKind.String)
        {
            AddAws(set, principal.GetString()!, condition, permission, sid, others);
            return;
        }
        if (principal.ValueKind != JsonValueKind.Object) return;
        foreach (var kind in principal.EnumerateObject())
        {
            foreach (var value in kind.Value.Strings())
            {
                switch (kind.Name.ToUpperInvariant())
                {
                    case "AWS":
                        AddAws(set, value, condition, permission, sid, others);
                        break;
                    case "CANONICALUSER":
                        set.Add(ShareAction.Add, value, GranteeType.User, permission, Join(sid, "S3 canonical user id", others));
                        break;
                    case "FEDERATED":
                        var federated = AwsGrantee.Parse(value);
                        set.Add(ShareAction.Add, value, federated.Type == GranteeType.Account ? null : GranteeType.Unknown, permission, Join(sid, "federated identity provider", others));
                        break;
                    // Service principals are AWS services acting for the owner: not another account.
                }
            }
        }
    }

    private static void AddAws(AwsGrantSet set, string principal, JsonElement condition, string permission, string? sid, string? others)
    {
        if (principal.Trim() == "*")
        {
            AddEveryone(set, condition, permission, "Principal *", Join(sid, null, others));
            return;
        }
        if (AwsGrantee.IsServicePrincipal(principal)) return;
        set.Add(ShareAction.Add, principal, null, permission, Join(sid, Narrowing(condition, out _), others));
    }

    /// <summary>A grant to everyone, or to the accounts or organizations a condition narrows it to.</summary>
    private static void AddEveryone(AwsGrantSet set, JsonElement condition, string permission, string who, string? rest)
    {
        string? narrowing = Narrowing(condition, out var grantees);
        if (grantees.Count == 0)
        {
            set.Add(ShareAction.Add, "*", GranteeType.Public, permission, Join(null, who, rest));
            return;
        }
        foreach (var grantee in grantees)
        {
            set.Add(ShareAction.Add, grantee, null, permission, Join(null, who + " narrowed by " + narrowing, rest));
        }
    }

    /// <summary>
    /// The condition entries that narrow a principal to accounts or organizations, as text, and the grantees
    /// they leave: the accounts when an account key is present (the strictest), else the organizations,
    /// else the organization paths. A value with a wildcard narrows nothing.
    /// </summary>
    private static string? Narrowing(JsonElement condition, out List<string> grantees)
    {
        grantees = new List<string>();
        var found = new List<(string Operator, string Key, List<string> Values, int Rank)>();
        if (condition.ValueKind != JsonValueKind.Object) return null;
        foreach (var op in condition.EnumerateObject())
        {
            if (op.Value.ValueKind != JsonValueKind.Object) continue;
            foreach (var key in op.Value.EnumerateObject())
            {
                if (Narrows(op.Name, key.Name, key.Value, out int rank, out var values)) found.Add((op.Name, key.Name, values, rank));
            }
        }
        if (found.Count == 0) return null;
        int best = found.Min(f => f.Rank);
        foreach (var f in found.Where(f => f.Rank == best))
        {
            foreach (var v in f.Values)
            {
                if (!grantees.Contains(v)) grantees.Add(v);
            }
        }
        return string.Join(" and ", found.Select(f => $"{f.Operator} {f.Key} = {string.Join(", ", f.Values)}"));
    }

    /// <summary>
    /// Does this condition entry limit the caller to named accounts or organizations? Its values (those that
    /// name one) and the key's rank when it does. A value with a wildcard names none, except in an
    /// organization path, where a trailing wildcard is the usual form.
    /// </summary>
    private static bool Narrows(string op, string key, JsonElement value, out int rank, out List<string> values)
    {
        rank = Rank(key);
        values = value.Strings();
        if (rank < 0 || !IsNarrowingOperator(op) || values.Count == 0) return false;
        if (IsOrganizationPath(rank))
        {
            values = values.Where(v => AwsGrantee.Parse(v).Type != GranteeType.Unknown).ToList();
            return values.Count > 0;
        }
        return !values.Any(v => v.IndexOf('*') >= 0 || v.IndexOf('?') >= 0);
    }

    private static bool IsOrganizationPath(int rank) => rank == 2;

    /// <summary>0 for an account key, 1 for an organization key, 2 for an organization path key, -1 for the others.</summary>
    private static int Rank(string key)
    {
        if (AccountKeys.Any(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase))) return 0;
        if (OrganizationKeys.Any(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase))) return 1;
        if (OrganizationPathKeys.Any(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase))) return 2;
        return -1;
    }

    private static bool IsNarrowingOperator(string op)
    {
        string name = op.StartsWith("ForAnyValue:", StringComparison.OrdinalIgnoreCase) ? op.Substring("ForAnyValue:".Length) : op;
        return NarrowingOperators.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The condition entries that do not narrow the principal (source IP, VPC, secure transport...), as text; null when none.</summary>
    private static string? OtherConditions(JsonElement condition)
    {
        if (condition.ValueKind != JsonValueKind.Object) return null;
        var parts = new List<string>();
        foreach (var op in condition.EnumerateObject())
        {
            if (op.Value.ValueKind != JsonValueKind.Object) continue;
            foreach (var key in op.Value.EnumerateObject())
            {
                if (Narrows(op.Name, key.Name, key.Value, out _, out _)) continue;
                parts.Add($"{op.Name} {key.Name} = {string.Join(", ", key.Value.Strings())}");
            }
        }
        return parts.Count == 0 ? null : "conditions: " + string.Join("; ", parts);
    }

    private static string Actions(JsonElement statement)
    {
        var actions = statement.Get("Action").Strings();
        if (actions.Count > 0) return string.Join(", ", actions);
        var notActions = statement.Get("NotAction").Strings();
        return notActions.Count > 0 ? "every action except " + string.Join(", ", notActions) : "";
    }

    private static IEnumerable<string> AllPrincipals(JsonElement principal) =>
        principal.ValueKind == JsonValueKind.Object
            ? principal.EnumerateObject().SelectMany(p => p.Value.Strings())
            : principal.Strings();

    private static string? Join(string? sid, string? main, string? others)
    {
        var parts = new List<string>(3);
        if (!string.IsNullOrEmpty(main)) parts.Add(main!);
        if (!string.IsNullOrEmpty(others)) parts.Add(others!);
        if (!string.IsNullOrEmpty(sid)) parts.Add("statement " + sid);
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }
}

/// <summary>
/// A resource policy as a definition element. In process: <see cref="AwsPolicy.Read"/>. In SQL: one row per Allow
/// statement and principal (Principal "*" or {AWS|CanonicalUser|Federated: one or many}, NotPrincipal), service
/// principals left out; a grant to everyone also gives one candidate row per narrowing condition value, ranked
/// (0 accounts, 1 organizations, 2 organization paths, 3 the public "*" itself), and the query keeps, per
/// statement, the rows of the best rank (the window in <see cref="AwsSqlGenerator"/>), as AwsPolicy.Narrowing does.
/// </summary>
internal sealed class PolicyRule : AwsGranteeRule
{
    private static readonly (string Key, int Rank)[] Keys =
    {
        ("aws:principalaccount", 0), ("aws:sourceaccount", 0), ("kms:calleraccount", 0),
        ("aws:principalorgid", 1), ("aws:sourceorgid", 1),
        ("aws:principalorgpaths", 2), ("aws:sourceorgpaths", 2),
    };

    private static readonly string[] Operators = { "stringequals", "stringlike", "stringequalsignorecase", "arnequals", "arnlike" };

    private readonly AwsPath _path;
    private readonly string _field;

    public PolicyRule(AwsPath path, string field)
    {
        _path = path;
        _field = field;
    }

    protected override void Add(AwsRecordView view, AwsGrantSet set) => AwsPolicy.Read(set, _path.Resolve(view), _field);

    protected override IEnumerable<AwsSqlGrant> Compile(AwsSqlContext c)
    {
        var d = c.Dialect;
        var (bindRaw, raw) = c.Bind(c.Json(_path));
        var (bindDoc, doc) = c.Bind($"(CASE WHEN {d.IsJsonString(raw)} THEN {d.ParseJson(d.ScalarText(raw))} ELSE {raw} END)");
        var (bindStatements, statements) = c.Bind(d.JsonAt(doc, "$.Statement"));
        var (unnestStatements, st) = d.Unnest(d.Items(statements), c.NewAlias("s"));
        string stFrom = string.Join("\n  ", bindRaw, bindDoc, bindStatements, unnestStatements);
        string allow = $"COALESCE(lower(trim({d.TextAt(st, "$.Effect")})) = 'allow', FALSE)";
        string notPrincipal = d.JsonAt(st, "$.NotPrincipal");
        string hasNotPrincipal = $"({notPrincipal} IS NOT NULL AND {d.IsPresent(notPrincipal)})";
        string principal = d.JsonAt(st, "$.Principal");
        string action = d.JsonAt(st, "$.Action");
        string permission = $"CASE WHEN {c.IsOnly(action, "backup:CopyIntoBackupVault")} THEN 'backup:CopyIntoBackupVault' ELSE {d.JsonText(action)} END";
        string group = $"CAST(b.rowkey AS VARCHAR) || ':' || {d.JsonText(st)}";
        string add = "'Add'";

        AwsSqlGrant Row(string from, string grantee, string type, params string[] where)
        {
            var g = new AwsSqlGrant(add, grantee, type) { From = stFrom + (from.Length > 0 ? "\n  " + from : ""), Permission = permission }.And(allow);
            foreach (var w in where) g = g.And(w);
            return g;
        }

        // Everyone: the public fallback (rank 3) and one row per narrowing value (ranks 0 to 2).
        IEnumerable<AwsSqlGrant> Everyone(string from, params string[] where)
        {
            yield return Row(from, "'*'", "'Public'", where) with { Group = group, Rank = "3", Entry = "''", Wildcard = "FALSE" };
            string co = c.NewAlias("co"), ck = c.NewAlias("ck"), cv = c.NewAlias("cv");
            var (bindCondition, condition) = c.Bind(d.JsonAt(st, "$.Condition"));
            var (opFrom, op, opValue) = d.UnnestMembers(condition, co);
            var (bindOp, opJson) = c.Bind(opValue);
            var (keyFrom, key, keyValue) = d.UnnestMembers(opJson, ck);
            var (bindKey, keyJson) = c.Bind(keyValue);
            var (valueFrom, value) = d.Unnest(d.Items(keyJson), cv);
            string text = d.ScalarText(value);
            string rank = "CASE lower(" + key + ") " + string.Join(" ", Keys.Select(k => $"WHEN {d.Literal(k.Key)} THEN {k.Rank}")) + " END";
            string bareOperator = $"lower(CASE WHEN lower({op}) LIKE 'foranyvalue:%' THEN substr({op}, 13) ELSE {op} END)";
            string narrowing = $"{bareOperator} IN ({string.Join(", ", Operators.Select(d.Literal))})";
            string all = string.Join("\n  ", new[] { from, bindCondition, opFrom, bindOp, keyFrom, bindKey, valueFrom }.Where(f => f.Length > 0));
            yield return Row(all, text, "CAST(NULL AS VARCHAR)", where.Concat(new[] { $"{rank} IS NOT NULL", narrowing, $"{text} IS NOT NULL", $"{text} <> ''" }).ToArray()) with
            {
                Group = group,
                Rank = rank,
                Entry = $"{op} || '/' || {key}",
                Wildcard = $"({rank} < 2 AND (strpos({text}, '*') > 0 OR strpos({text}, '?') > 0))",
            };
        }

        foreach (var g in Everyone("", hasNotPrincipal)) yield return g;

        // Principal "*" or an account / ARN, as a string.
        string pText = d.ScalarText(principal);
        string asString = $"NOT {hasNotPrincipal} AND {d.IsJsonString(principal)}";
        foreach (var g in Everyone("", asString, $"trim({pText}) = '*'")) yield return g;
        yield return Row("", pText, "CAST(NULL AS VARCHAR)", asString, $"trim({pText}) <> '*'", $"NOT {c.IsServicePrincipal(pText)}");

        // Principal {AWS | CanonicalUser | Federated: one or many}.
        string pm = c.NewAlias("pm"), pv = c.NewAlias("pv");
        var (bindPrincipal, principalJson) = c.Bind(principal);
        var (memberFrom, kind, kindValue) = d.UnnestMembers(principalJson, pm);
        var (bindKind, kindJson) = c.Bind(kindValue);
        var (itemFrom, item) = d.Unnest(d.Items(kindJson), pv);
        string from2 = string.Join("\n  ", bindPrincipal, memberFrom, bindKind, itemFrom);
        string v = d.ScalarText(item);
        string asObject = $"NOT {hasNotPrincipal} AND {d.IsJsonObject(principal)} AND {v} IS NOT NULL AND {v} <> ''";
        foreach (var g in Everyone(from2, asObject, $"upper({kind}) = 'AWS'", $"trim({v}) = '*'")) yield return g;
        yield return Row(from2, v, "CAST(NULL AS VARCHAR)", asObject, $"upper({kind}) = 'AWS'", $"trim({v}) <> '*'", $"NOT {c.IsServicePrincipal(v)}");
        yield return Row(from2, v, "'User'", asObject, $"upper({kind}) = 'CANONICALUSER'");
        yield return Row(from2, v, "CAST(NULL AS VARCHAR)", asObject, $"upper({kind}) = 'FEDERATED'");
    }

    /// <summary>The same rows in KQL: mv-expand for the unnests, the narrowing candidates ranked for AwsKqlGenerator's judgement.</summary>
    protected override IEnumerable<AwsKqlGrant> CompileKql(AwsKqlContext c)
    {
        var (bindRaw, raw) = c.Bind(c.Json(_path));
        var (bindDoc, doc) = c.Bind($"iff(gettype({raw}) == \"string\", todynamic(tostring({raw})), {raw})");
        var (expandStatements, st) = c.Expand($"JItems({doc}[\"Statement\"])");
        var stSteps = new[] { bindRaw, bindDoc, expandStatements };
        string allow = $"tolower(trim(@\"\\s+\", JText({st}[\"Effect\"]))) == \"allow\"";
        string notPrincipal = $"{st}[\"NotPrincipal\"]";
        string hasNotPrincipal = $"not(isnull({notPrincipal}) or gettype({notPrincipal}) == \"null\")";
        string principal = $"{st}[\"Principal\"]";
        string action = $"{st}[\"Action\"]";
        string permission = $"iff({c.IsOnly(action, "backup:CopyIntoBackupVault")}, \"backup:CopyIntoBackupVault\", tostring({action}))";
        string group = $"strcat(AwsEventId, \"|\", tostring(TimeGenerated), \"|\", tostring({st}))";

        AwsKqlGrant Row(IEnumerable<string> steps, string grantee, string type, params string[] where)
        {
            var g = new AwsKqlGrant("\"Add\"", grantee, type) { Steps = stSteps.Concat(steps).ToList(), Permission = permission }.And(allow);
            foreach (var w in where) g = g.And(w);
            return g;
        }

        // Everyone: the public fallback (rank 3) and one row per narrowing value (ranks 0 to 2).
        IEnumerable<AwsKqlGrant> Everyone(string[] steps, params string[] where)
        {
            yield return Row(steps, "\"*\"", "\"Public\"", where) with { Group = group, Rank = "3", Entry = "\"\"", Wildcard = "0" };
            var (expandOp, op) = c.Expand($"JMembers({st}[\"Condition\"])");
            var (bindOp, opName) = c.Bind($"tostring(bag_keys({op})[0])");
            var (expandKey, key) = c.Expand($"JMembers({op}[{opName}])");
            var (bindKey, keyName) = c.Bind($"tostring(bag_keys({key})[0])");
            var (expandValue, value) = c.Expand($"JItems({key}[{keyName}])");
            var (bindText, text) = c.Bind($"JText({value})");
            var (bindRank, rank) = c.Bind("case(" + string.Join(", ", Keys.GroupBy(k => k.Rank).Select(r =>
                $"tolower({keyName}) in ({string.Join(", ", r.Select(k => Queries.Kql.Literal(k.Key)))}), {r.Key}")) + ", long(null))");
            string bareOperator = $"tolower(iff(tolower({opName}) startswith_cs \"foranyvalue:\", substring({opName}, 12), {opName}))";
            string narrowing = $"{bareOperator} in ({string.Join(", ", Operators.Select(Queries.Kql.Literal))})";
            var all = steps.Concat(new[] { expandOp, bindOp, expandKey, bindKey, expandValue, bindText, bindRank }).ToArray();
            yield return Row(all, text, "\"\"", where.Concat(new[] { $"isnotnull({rank})", narrowing, $"isnotempty({text})" }).ToArray()) with
            {
                Group = group,
                Rank = rank,
                Entry = $"strcat({opName}, \"/\", {keyName})",
                Wildcard = $"iff({rank} < 2 and ({text} contains_cs \"*\" or {text} contains_cs \"?\"), 1, 0)",
            };
        }

        foreach (var g in Everyone(Array.Empty<string>(), hasNotPrincipal)) yield return g;

        // Principal "*" or an account / ARN, as a string.
        string pText = $"JText({principal})";
        string asString = $"not({hasNotPrincipal}) and gettype({principal}) == \"string\"";
        foreach (var g in Everyone(Array.Empty<string>(), asString, $"trim(@\"\\s+\", {pText}) == \"*\"")) yield return g;
        yield return Row(Array.Empty<string>(), pText, "\"\"", asString, $"trim(@\"\\s+\", {pText}) != \"*\"", $"not(IsServicePrincipal({pText}))");

        // Principal {AWS | CanonicalUser | Federated: one or many}.
        var (expandMember, member) = c.Expand($"JMembers({principal})");
        var (bindKind, kind) = c.Bind($"toupper(tostring(bag_keys({member})[0]))");
        var (expandItem, item) = c.Expand($"JItems({member}[tostring(bag_keys({member})[0])])");
        var (bindValue, v) = c.Bind($"JText({item})");
        var steps2 = new[] { expandMember, bindKind, expandItem, bindValue };
        string asObject = $"not({hasNotPrincipal}) and gettype({principal}) == \"dictionary\" and isnotempty({v})";
        foreach (var g in Everyone(steps2, asObject, $"{kind} == \"AWS\"", $"trim(@\"\\s+\", {v}) == \"*\"")) yield return g;
        yield return Row(steps2, v, "\"\"", asObject, $"{kind} == \"AWS\"", $"trim(@\"\\s+\", {v}) != \"*\"", $"not(IsServicePrincipal({v}))");
        yield return Row(steps2, v, "\"User\"", asObject, $"{kind} == \"CANONICALUSER\"");
        yield return Row(steps2, v, "\"\"", asObject, $"{kind} == \"FEDERATED\"");
    }
}
