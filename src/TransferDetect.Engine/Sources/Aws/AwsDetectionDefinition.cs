using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Queries;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// One AWS detection declared as data: the CloudTrail operation (event name and source), the resource it
/// names, the record-level conditions under which it grants anything, and where its grantees are. The same
/// definition drives the in-process extractor (<see cref="Extract"/>) and the SQL the query generator emits
/// (<see cref="AwsSqlGenerator"/>): each element below has both an evaluation over a parsed record and a SQL
/// compilation, side by side, so that the two cannot drift without the DuckDB equality tests noticing. Each also
/// has a KQL compilation (Sentinel's AWSCloudTrail table, <see cref="AwsKqlGenerator"/>) beside the SQL one, pinned
/// by golden files only (no KQL engine runs in the tests).
/// Presentation (Details and Permission texts) is the only part given as C# functions: it changes no finding.
/// </summary>
internal sealed class AwsDetectionDefinition
{
    public AwsDetectionDefinition(string eventName, string eventSource, ShareCategory category, string resourceType, AwsValue? resourceId,
        AwsGranteeRule[] grantees, AwsCondition[]? when = null, bool needsRequestParameters = true, bool versionSuffix = false, string? otherEventSource = null)
    {
        EventName = eventName;
        EventSource = eventSource;
        OtherEventSource = otherEventSource;
        Category = category;
        ResourceType = resourceType;
        ResourceId = resourceId;
        Grantees = grantees;
        When = when ?? Array.Empty<AwsCondition>();
        NeedsRequestParameters = needsRequestParameters;
        VersionSuffix = versionSuffix;
    }

    public string EventName { get; }
    public string EventSource { get; }
    public string? OtherEventSource { get; }
    public ShareCategory Category { get; }

    /// <summary>The resource type; a grantee rule may name another (the S3 guardrails: bucket or account).</summary>
    public string ResourceType { get; }

    public AwsValue? ResourceId { get; }

    /// <summary>When set, the resource type is read from the record (an RDS export: snapshot, cluster snapshot or cluster).</summary>
    public AwsValue? ResourceTypeValue { get; private set; }

    public AwsDetectionDefinition WithResourceType(AwsValue type)
    {
        ResourceTypeValue = type;
        return this;
    }

    /// <summary>All must hold for the record to grant anything (EC2: the attribute changed is the permission).</summary>
    public AwsCondition[] When { get; }

    public AwsGranteeRule[] Grantees { get; }
    public bool NeedsRequestParameters { get; }
    public bool VersionSuffix { get; }

    /// <summary>The catalogue entry the readers use, with this definition as its extractor.</summary>
    public AwsShareOperation ToOperation() =>
        new(EventName, EventSource, Category, Extract, NeedsRequestParameters, VersionSuffix, OtherEventSource) { Definition = this };

    /// <summary>The in-process reading of one record.</summary>
    public AwsGrantSet? Extract(JsonElement requestParameters, JsonElement record)
    {
        var view = new AwsRecordView(requestParameters, record);
        var set = new AwsGrantSet(ResourceTypeValue?.Eval(view) ?? ResourceType, ResourceId?.Eval(view));
        foreach (var condition in When)
        {
            if (!condition.Holds(view)) return set;
        }
        foreach (var rule in Grantees) rule.Extract(view, set);
        return set;
    }
}

/// <summary>A record as the extractors see it: its requestParameters and the whole record.</summary>
internal readonly struct AwsRecordView
{
    public AwsRecordView(JsonElement requestParameters, JsonElement record)
    {
        RequestParameters = requestParameters;
        Record = record;
    }

    public JsonElement RequestParameters { get; }
    public JsonElement Record { get; }

    public JsonElement Root(AwsRoot root) => root switch
    {
        AwsRoot.RequestParameters => RequestParameters,
        AwsRoot.ResponseElements => Record.Get("responseElements"),
        AwsRoot.ServiceEventDetails => Record.Get("serviceEventDetails"),
        _ => Record,
    };
}

/// <summary>Where a path starts: the JSON documents of a record (Athena keeps them as JSON text) or its top-level fields.</summary>
internal enum AwsRoot
{
    RequestParameters,
    ResponseElements,
    ServiceEventDetails,
    /// <summary>A top-level field of the record (recipientAccountId, awsRegion, userIdentity.accountId): a column of the table.</summary>
    Record,
}

/// <summary>
/// A path of property names from a root. Each step may list spellings ("dBSnapshotIdentifier|DBSnapshotIdentifier"):
/// the engine matches names in any case (CloudTrail, S3's XML names and exports disagree); SQL, whose JSON paths are
/// case-sensitive, tries each listed spelling in turn.
/// </summary>
internal sealed class AwsPath
{
    private AwsPath(AwsRoot root, string[][] steps)
    {
        Root = root;
        Steps = steps;
    }

    public AwsRoot Root { get; }
    public string[][] Steps { get; }

    public static AwsPath Rp(params string[] steps) => new(AwsRoot.RequestParameters, Parse(steps));
    public static AwsPath Response(params string[] steps) => new(AwsRoot.ResponseElements, Parse(steps));
    public static AwsPath ServiceEvent(params string[] steps) => new(AwsRoot.ServiceEventDetails, Parse(steps));
    public static AwsPath Record(params string[] steps) => new(AwsRoot.Record, Parse(steps));

    public AwsPath Then(params string[] steps) => new(Root, Steps.Concat(Parse(steps)).ToArray());

    private static string[][] Parse(string[] steps) => Array.ConvertAll(steps, s => s.Split('|'));

    public JsonElement Resolve(AwsRecordView view)
    {
        var e = view.Root(Root);
        foreach (var step in Steps)
        {
            var next = e.Get(step[0]);
            for (int i = 1; i < step.Length && next.ValueKind == JsonValueKind.Undefined; i++) next = e.Get(step[i]);
            e = next;
        }
        return e;
    }

    public override string ToString() => Root + ":" + string.Join(".", Steps.Select(s => string.Join("|", s)));
}

/// <summary>A text value of a record (a resource id, a grantee), evaluated in process or compiled to SQL.</summary>
internal abstract class AwsValue
{
    public abstract string? Eval(AwsRecordView view);
    public abstract string Sql(AwsSqlContext c);

    /// <summary>The KQL compilation (Sentinel's AWSCloudTrail): a string expression, empty where SQL has NULL.</summary>
    public abstract string Kql(AwsKqlContext c);

    public static AwsValue Text(AwsPath path) => new TextValue(path);
    public static AwsValue FirstString(AwsPath path) => new FirstStringValue(path);
    public static AwsValue FirstOf(params AwsValue[] values) => new FirstOfValue(values);
    public static AwsValue Const(string text) => new ConstValue(text);
    public static AwsValue JoinedWhenBoth(AwsValue first, string separator, AwsValue second) => new JoinedValue(first, separator, second);
    public static AwsValue AccountOfArn(AwsValue arn) => new AccountOfArnValue(arn);
    public static AwsValue BucketArn(AwsValue bucket) => new BucketArnValue(bucket);
    public static AwsValue Prefixed(string prefix, AwsValue value) => new PrefixedValue(prefix, value);

    /// <summary>The value of the first case whose condition holds.</summary>
    public static AwsValue Choose(params (AwsCondition When, AwsValue Then)[] cases) => new ChooseValue(cases);

    private sealed class ChooseValue : AwsValue
    {
        private readonly (AwsCondition When, AwsValue Then)[] _cases;
        public ChooseValue((AwsCondition When, AwsValue Then)[] cases) => _cases = cases;
        public override string? Eval(AwsRecordView view)
        {
            foreach (var (when, then) in _cases)
            {
                if (when.Holds(view)) return then.Eval(view);
            }
            return null;
        }
        public override string Sql(AwsSqlContext c) =>
            "CASE " + string.Join(" ", _cases.Select(x => $"WHEN {x.When.Sql(c)} THEN {x.Then.Sql(c)}")) + " END";
        public override string Kql(AwsKqlContext c) =>
            "case(" + string.Join(", ", _cases.Select(x => $"{x.When.Kql(c)}, {x.Then.Kql(c)}")) + ", \"\")";
    }

    /// <summary>A string, or the text of a number or boolean (<see cref="JsonElementExtensions.Str(JsonElement)"/>).</summary>
    private sealed class TextValue : AwsValue
    {
        private readonly AwsPath _path;
        public TextValue(AwsPath path) => _path = path;
        public override string? Eval(AwsRecordView view) => _path.Resolve(view).Str();
        public override string Sql(AwsSqlContext c) => c.Text(_path);
        public override string Kql(AwsKqlContext c) => c.Text(_path);
    }

    /// <summary>The first non-empty string of a string or a list (the S3 header x-amz-account-id).</summary>
    private sealed class FirstStringValue : AwsValue
    {
        private readonly AwsPath _path;
        public FirstStringValue(AwsPath path) => _path = path;
        public override string? Eval(AwsRecordView view) => _path.Resolve(view).Strings() is { Count: > 0 } s ? s[0] : null;
        public override string Sql(AwsSqlContext c)
        {
            var j = c.Json(_path);
            var d = c.Dialect;
            return $"COALESCE(NULLIF({d.ScalarText(j)}, ''), NULLIF({d.ScalarText(d.JsonAt(j, "$[0]"))}, ''))";
        }
        public override string Kql(AwsKqlContext c)
        {
            var j = c.Json(_path);
            return $"coalesce(JText({j}), JText({j}[0]))";
        }
    }

    private sealed class FirstOfValue : AwsValue
    {
        private readonly AwsValue[] _values;
        public FirstOfValue(AwsValue[] values) => _values = values;
        public override string? Eval(AwsRecordView view)
        {
            foreach (var v in _values)
            {
                string? s = v.Eval(view);
                if (s != null) return s;
            }
            return null;
        }
        public override string Sql(AwsSqlContext c) => "COALESCE(" + string.Join(", ", _values.Select(v => v.Sql(c))) + ")";
        public override string Kql(AwsKqlContext c) => "coalesce(" + string.Join(", ", _values.Select(v => v.Kql(c))) + ")";
    }

    private sealed class ConstValue : AwsValue
    {
        private readonly string _text;
        public ConstValue(string text) => _text = text;
        public override string? Eval(AwsRecordView view) => _text;
        public override string Sql(AwsSqlContext c) => c.Dialect.Literal(_text);
        public override string Kql(AwsKqlContext c) => Queries.Kql.Literal(_text);
    }

    /// <summary>first + separator + second when both are present, else first (a Lambda layer and its version).</summary>
    private sealed class JoinedValue : AwsValue
    {
        private readonly AwsValue _first, _second;
        private readonly string _separator;
        public JoinedValue(AwsValue first, string separator, AwsValue second)
        {
            _first = first;
            _separator = separator;
            _second = second;
        }
        public override string? Eval(AwsRecordView view)
        {
            string? a = _first.Eval(view), b = _second.Eval(view);
            return a != null && b != null ? a + _separator + b : a;
        }
        public override string Sql(AwsSqlContext c)
        {
            string a = _first.Sql(c), b = _second.Sql(c);
            return $"CASE WHEN {a} IS NOT NULL AND {b} IS NOT NULL THEN {a} || {c.Dialect.Literal(_separator)} || {b} ELSE {a} END";
        }
        public override string Kql(AwsKqlContext c)
        {
            string a = _first.Kql(c), b = _second.Kql(c);
            return $"iff(isnotempty({a}) and isnotempty({b}), strcat({a}, {Queries.Kql.Literal(_separator)}, {b}), {a})";
        }
    }

    /// <summary>The 12-digit account field of an ARN, or null (<see cref="AwsGrantee.AccountOfArn"/>).</summary>
    private sealed class AccountOfArnValue : AwsValue
    {
        private readonly AwsValue _arn;
        public AccountOfArnValue(AwsValue arn) => _arn = arn;
        public override string? Eval(AwsRecordView view) => AwsGrantee.AccountOfArn(_arn.Eval(view));
        public override string Sql(AwsSqlContext c) => c.Dialect.RegexExtract(_arn.Sql(c), "^arn:[^:]*:[^:]*:[^:]*:([0-9]{12}):", 1);
        public override string Kql(AwsKqlContext c) => $"extract({Queries.Kql.Literal("^arn:[^:]*:[^:]*:[^:]*:([0-9]{12}):")}, 1, {_arn.Kql(c)})";
    }

    private sealed class BucketArnValue : AwsValue
    {
        private readonly AwsValue _bucket;
        public BucketArnValue(AwsValue bucket) => _bucket = bucket;
        public override string? Eval(AwsRecordView view) => _bucket.Eval(view) is { } b ? AwsJson.BucketArn(b) : null;
        public override string Sql(AwsSqlContext c)
        {
            string b = _bucket.Sql(c);
            return $"CASE WHEN {b} LIKE 'arn:%' THEN {b} ELSE 'arn:aws:s3:::' || {b} END";
        }
        public override string Kql(AwsKqlContext c) => c.BucketArn(_bucket.Kql(c));
    }

    private sealed class PrefixedValue : AwsValue
    {
        private readonly string _prefix;
        private readonly AwsValue _value;
        public PrefixedValue(string prefix, AwsValue value)
        {
            _prefix = prefix;
            _value = value;
        }
        public override string? Eval(AwsRecordView view) => _value.Eval(view) is { } v ? _prefix + v : null;
        public override string Sql(AwsSqlContext c) => $"{c.Dialect.Literal(_prefix)} || {_value.Sql(c)}";
        public override string Kql(AwsKqlContext c)
        {
            string v = _value.Kql(c);
            return $"iff(isempty({v}), \"\", strcat({Queries.Kql.Literal(_prefix)}, {v}))";
        }
    }
}

/// <summary>A condition on a record, evaluated in process or compiled to a SQL predicate.</summary>
internal abstract class AwsCondition
{
    public abstract bool Holds(AwsRecordView view);
    public abstract string Sql(AwsSqlContext c);

    /// <summary>The KQL compilation: a bool expression (an absent value is the empty string).</summary>
    public abstract string Kql(AwsKqlContext c);

    /// <summary>The value equals <paramref name="expected"/> ignoring case and underscores (CREATE_VOLUME_PERMISSION = createVolumePermission).</summary>
    public static AwsCondition LooseIs(AwsValue value, string expected) => new LooseIsCondition(value, expected, false);

    /// <summary>The value is absent or loosely equal to <paramref name="expected"/>.</summary>
    public static AwsCondition AbsentOrLooseIs(AwsValue value, string expected) => new LooseIsCondition(value, expected, true);

    /// <summary>The value is absent or equals <paramref name="expected"/> ignoring case.</summary>
    public static AwsCondition AbsentOrIs(AwsValue value, string expected) => new IsCondition(value, expected, true, negate: false);

    /// <summary>The value is present and does not equal <paramref name="expected"/> (ignoring case and surrounding spaces).</summary>
    public static AwsCondition IsPresentAndNot(AwsValue value, string expected) => new IsCondition(value, expected, false, negate: true);

    public static AwsCondition TrimmedIs(AwsValue value, string expected) => new IsCondition(value, expected, false, negate: false);
    public static AwsCondition IsPresent(AwsValue value) => new PresentCondition(value);
    public static AwsCondition Not(AwsCondition condition) => new NotCondition(condition);
    public static AwsCondition And(params AwsCondition[] conditions) => new AndCondition(conditions);
    public static readonly AwsCondition Always = new AndCondition(Array.Empty<AwsCondition>());

    /// <summary>The value at the path is a JSON object.</summary>
    public static AwsCondition IsObject(AwsPath path) => new IsObjectCondition(path);

    private sealed class IsObjectCondition : AwsCondition
    {
        private readonly AwsPath _path;
        public IsObjectCondition(AwsPath path) => _path = path;
        public override bool Holds(AwsRecordView view) => _path.Resolve(view).ValueKind == JsonValueKind.Object;
        public override string Sql(AwsSqlContext c) => $"COALESCE({c.Dialect.IsJsonObject(c.Json(_path))}, FALSE)";
        public override string Kql(AwsKqlContext c) => $"gettype({c.Json(_path)}) == \"dictionary\"";
    }

    /// <summary>The value contains the text (ordinal).</summary>
    public static AwsCondition Contains(AwsValue value, string text) => new ContainsCondition(value, text);

    private sealed class ContainsCondition : AwsCondition
    {
        private readonly AwsValue _value;
        private readonly string _text;
        public ContainsCondition(AwsValue value, string text)
        {
            _value = value;
            _text = text;
        }
        public override bool Holds(AwsRecordView view) => _value.Eval(view) is { } v && v.IndexOf(_text, StringComparison.Ordinal) >= 0;
        public override string Sql(AwsSqlContext c) => $"COALESCE(strpos({_value.Sql(c)}, {c.Dialect.Literal(_text)}) > 0, FALSE)";
        public override string Kql(AwsKqlContext c) => $"({_value.Kql(c)} contains_cs {Queries.Kql.Literal(_text)})";
    }

    private sealed class LooseIsCondition : AwsCondition
    {
        private readonly AwsValue _value;
        private readonly string _expected;
        private readonly bool _orAbsent;
        public LooseIsCondition(AwsValue value, string expected, bool orAbsent)
        {
            _value = value;
            _expected = expected;
            _orAbsent = orAbsent;
        }
        public override bool Holds(AwsRecordView view)
        {
            string? v = _value.Eval(view);
            return v == null ? _orAbsent : JsonElementExtensions.LooseEquals(v, _expected);
        }
        public override string Sql(AwsSqlContext c)
        {
            string v = _value.Sql(c);
            string test = $"lower(replace({v}, '_', '')) = {c.Dialect.Literal(_expected.Replace("_", "").ToLowerInvariant())}";
            return _orAbsent ? $"({v} IS NULL OR {test})" : $"COALESCE({test}, FALSE)";
        }
        public override string Kql(AwsKqlContext c)
        {
            string v = _value.Kql(c);
            string test = $"tolower(replace_string({v}, \"_\", \"\")) == {Queries.Kql.Literal(_expected.Replace("_", "").ToLowerInvariant())}";
            return _orAbsent ? $"(isempty({v}) or {test})" : $"(isnotempty({v}) and {test})";
        }
    }

    private sealed class IsCondition : AwsCondition
    {
        private readonly AwsValue _value;
        private readonly string _expected;
        private readonly bool _orAbsent, _negate;
        public IsCondition(AwsValue value, string expected, bool orAbsent, bool negate)
        {
            _value = value;
            _expected = expected;
            _orAbsent = orAbsent;
            _negate = negate;
        }
        public override bool Holds(AwsRecordView view)
        {
            string? v = _value.Eval(view);
            if (v == null) return _orAbsent;
            bool equal = string.Equals(v.Trim(), _expected, StringComparison.OrdinalIgnoreCase);
            return _negate ? !equal : equal;
        }
        public override string Sql(AwsSqlContext c)
        {
            string v = _value.Sql(c);
            string test = $"lower(trim({v})) {(_negate ? "<>" : "=")} {c.Dialect.Literal(_expected.ToLowerInvariant())}";
            return _orAbsent ? $"({v} IS NULL OR {test})" : $"COALESCE({test}, FALSE)";
        }
        public override string Kql(AwsKqlContext c)
        {
            string v = _value.Kql(c);
            string test = $"tolower(trim(@\"\\s+\", {v})) {(_negate ? "!=" : "==")} {Queries.Kql.Literal(_expected.ToLowerInvariant())}";
            return _orAbsent ? $"(isempty({v}) or {test})" : $"(isnotempty({v}) and {test})";
        }
    }

    private sealed class PresentCondition : AwsCondition
    {
        private readonly AwsValue _value;
        public PresentCondition(AwsValue value) => _value = value;
        public override bool Holds(AwsRecordView view) => _value.Eval(view) != null;
        public override string Sql(AwsSqlContext c) => $"{_value.Sql(c)} IS NOT NULL";
        public override string Kql(AwsKqlContext c) => $"isnotempty({_value.Kql(c)})";
    }

    private sealed class NotCondition : AwsCondition
    {
        private readonly AwsCondition _inner;
        public NotCondition(AwsCondition inner) => _inner = inner;
        public override bool Holds(AwsRecordView view) => !_inner.Holds(view);
        public override string Sql(AwsSqlContext c) => $"NOT ({_inner.Sql(c)})";
        public override string Kql(AwsKqlContext c) => $"not({_inner.Kql(c)})";
    }

    private sealed class AndCondition : AwsCondition
    {
        private readonly AwsCondition[] _all;
        public AndCondition(AwsCondition[] all) => _all = all;
        public override bool Holds(AwsRecordView view) => _all.All(x => x.Holds(view));
        public override string Sql(AwsSqlContext c) => _all.Length == 0 ? "TRUE" : "(" + string.Join(" AND ", _all.Select(x => x.Sql(c))) + ")";
        public override string Kql(AwsKqlContext c) => _all.Length == 0 ? "true" : "(" + string.Join(" and ", _all.Select(x => x.Kql(c))) + ")";
    }
}

/// <summary>What the severity rules need to know of a grant beyond its grantee (AwsJudge's special cases).</summary>
internal enum AwsGrantNote
{
    None,
    /// <summary>A RAM share with allowExternalPrincipals false: RAM keeps it inside the owner's organization.</summary>
    RamInsideOrganization,
}

/// <summary>
/// Where a detection's grantees are. Each rule both adds its grants to a set (in process) and compiles to
/// one or more SQL SELECTs over the base rows (<see cref="AwsSqlGrant"/>).
/// </summary>
internal abstract class AwsGranteeRule
{
    /// <summary>When set, the rule applies only when this holds.</summary>
    public AwsCondition? When { get; private set; }

    /// <summary>Presentation only: the Permission text of the grants.</summary>
    public Func<AwsRecordView, string?>? Permission { get; private set; }

    /// <summary>Presentation only: the Details text of the grants.</summary>
    public Func<AwsRecordView, string?>? Details { get; private set; }

    /// <summary>When the grantee is missing, the record is reported as incomplete with this text.</summary>
    public string? MissingProblem { get; private set; }

    public AwsGranteeRule OnlyWhen(AwsCondition condition)
    {
        When = condition;
        return this;
    }

    public AwsGranteeRule Described(Func<AwsRecordView, string?>? permission, Func<AwsRecordView, string?>? details = null)
    {
        Permission = permission;
        Details = details;
        return this;
    }

    public AwsGranteeRule IncompleteWithout(string problem)
    {
        MissingProblem = problem;
        return this;
    }

    public void Extract(AwsRecordView view, AwsGrantSet set)
    {
        if (When != null && !When.Holds(view)) return;
        Add(view, set);
    }

    protected abstract void Add(AwsRecordView view, AwsGrantSet set);

    public IEnumerable<AwsSqlGrant> Sql(AwsSqlContext c)
    {
        foreach (var g in Compile(c))
        {
            yield return When == null ? g : g.And(When.Sql(c));
        }
    }

    protected abstract IEnumerable<AwsSqlGrant> Compile(AwsSqlContext c);

    /// <summary>The KQL branches (pipelines over the base rows) this rule compiles to, each with the rule's condition.</summary>
    public IEnumerable<AwsKqlGrant> Kql(AwsKqlContext c)
    {
        foreach (var g in CompileKql(c))
        {
            yield return When == null ? g : g.And(When.Kql(c));
        }
    }

    protected abstract IEnumerable<AwsKqlGrant> CompileKql(AwsKqlContext c);

    protected string? PermissionOf(AwsRecordView view) => Permission?.Invoke(view);
    protected string? DetailsOf(AwsRecordView view) => Details?.Invoke(view);

    /// <summary>No grantee: marks the record incomplete when the condition does not hold (SQL: nothing to select).</summary>
    public static AwsGranteeRule Require(AwsCondition condition, string problem) => new RequireRule(condition, problem);

    private sealed class RequireRule : AwsGranteeRule
    {
        private readonly AwsCondition _condition;
        private readonly string _problem;
        public RequireRule(AwsCondition condition, string problem)
        {
            _condition = condition;
            _problem = problem;
        }
        protected override void Add(AwsRecordView view, AwsGrantSet set)
        {
            if (!_condition.Holds(view)) set.Incomplete(_problem);
        }
        protected override IEnumerable<AwsSqlGrant> Compile(AwsSqlContext c) => Array.Empty<AwsSqlGrant>();
        protected override IEnumerable<AwsKqlGrant> CompileKql(AwsKqlContext c) => Array.Empty<AwsKqlGrant>();
    }

    /// <summary>One grantee given by a value (a scalar field, a constant "*", an account read from an ARN...).</summary>
    public static AwsGranteeRule Value(ShareAction action, AwsValue grantee, GranteeType? type = null, bool skipServicePrincipals = false) =>
        new ValueRule(action, grantee, type, skipServicePrincipals);

    /// <summary>The non-empty strings of a string or a list (account ids, principals), each a grantee.</summary>
    /// <param name="ramInsideOrganization">When it holds, the grants are RAM's kept inside the owner's organization (AwsJudge: Medium).</param>
    public static AwsGranteeRule List(ShareAction action, AwsPath list, bool skipServicePrincipals = false, AwsCondition? ramInsideOrganization = null) =>
        new ListRule(action, list, skipServicePrincipals, ramInsideOrganization);

    /// <summary>EC2 permission items (<c>{items: [{userId|group|organizationArn|organizationalUnitArn}]}</c>, bare lists, strings).</summary>
    public static AwsGranteeRule Ec2Items(ShareAction action, AwsPath list, bool groups = false) => new Ec2ItemsRule(_ => action, null, list, groups);

    /// <summary>EC2's older form: the action is given by <c>operationType</c> (remove, else add).</summary>
    public static AwsGranteeRule Ec2Items(AwsValue operationType, AwsPath list, bool groups) =>
        new Ec2ItemsRule(v => JsonElementExtensions.LooseEquals(operationType.Eval(v), "remove") ? ShareAction.Remove : ShareAction.Add, operationType, list, groups);

    private sealed class ValueRule : AwsGranteeRule
    {
        private readonly ShareAction _action;
        private readonly AwsValue _grantee;
        private readonly GranteeType? _type;
        private readonly bool _skipService;
        public ValueRule(ShareAction action, AwsValue grantee, GranteeType? type, bool skipService)
        {
            _action = action;
            _grantee = grantee;
            _type = type;
            _skipService = skipService;
        }
        protected override void Add(AwsRecordView view, AwsGrantSet set)
        {
            string? g = _grantee.Eval(view);
            if (g == null)
            {
                if (MissingProblem != null) set.Incomplete(MissingProblem);
                return;
            }
            if (_skipService && AwsGrantee.IsServicePrincipal(g)) return;
            set.Add(_action, g, _type, PermissionOf(view), DetailsOf(view));
        }
        protected override IEnumerable<AwsSqlGrant> Compile(AwsSqlContext c)
        {
            string g = _grantee.Sql(c);
            var grant = new AwsSqlGrant(c.Dialect.Literal(_action.ToString()), g, c.TypeLiteral(_type));
            yield return _skipService ? grant.And($"NOT {c.IsServicePrincipal(g)}") : grant;
        }
        protected override IEnumerable<AwsKqlGrant> CompileKql(AwsKqlContext c)
        {
            string g = _grantee.Kql(c);
            var grant = new AwsKqlGrant(Queries.Kql.Literal(_action.ToString()), g, c.TypeLiteral(_type));
            yield return _skipService ? grant.And($"not(IsServicePrincipal({g}))") : grant;
        }
    }

    private sealed class ListRule : AwsGranteeRule
    {
        private readonly ShareAction _action;
        private readonly AwsPath _list;
        private readonly bool _skipService;
        private readonly AwsCondition? _note;
        public ListRule(ShareAction action, AwsPath list, bool skipService, AwsCondition? note)
        {
            _action = action;
            _list = list;
            _skipService = skipService;
            _note = note;
        }
        protected override void Add(AwsRecordView view, AwsGrantSet set)
        {
            var values = _list.Resolve(view).Strings();
            if (values.Count == 0) return;
            string? permission = PermissionOf(view), details = DetailsOf(view);
            foreach (string g in values)
            {
                if (!(_skipService && AwsGrantee.IsServicePrincipal(g))) set.Add(_action, g, null, permission, details);
            }
        }
        protected override IEnumerable<AwsSqlGrant> Compile(AwsSqlContext c)
        {
            var (bind, list) = c.Bind(c.Json(_list));
            var (from, item) = c.Dialect.Unnest(c.Dialect.Items(list), c.NewAlias("v"));
            string g = c.Dialect.ScalarText(item);
            var grant = new AwsSqlGrant(c.Dialect.Literal(_action.ToString()), g, "CAST(NULL AS VARCHAR)") { From = bind + "\n  " + from };
            if (_note != null) grant = grant with { Note = $"CASE WHEN {_note.Sql(c)} THEN {c.NoteFor(AwsGrantNote.RamInsideOrganization)} END" };
            yield return _skipService ? grant.And($"NOT {c.IsServicePrincipal(g)}") : grant;
        }
        protected override IEnumerable<AwsKqlGrant> CompileKql(AwsKqlContext c)
        {
            var (expand, item) = c.Expand($"JItems({c.Json(_list)})");
            string g = $"JText({item})";
            var grant = new AwsKqlGrant(Queries.Kql.Literal(_action.ToString()), g, "\"\"") { Steps = new[] { expand } };
            if (_note != null) grant = grant with { Note = $"iff({_note.Kql(c)}, {Queries.Kql.Literal(AwsGrantNote.RamInsideOrganization.ToString())}, \"\")" };
            yield return _skipService ? grant.And($"not(IsServicePrincipal({g}))") : grant;
        }
    }

    private sealed class Ec2ItemsRule : AwsGranteeRule
    {
        private static readonly string[][] Fields =
        {
            new[] { "userId", "UserId" }, new[] { "group", "Group" }, new[] { "organizationArn", "OrganizationArn" }, new[] { "organizationalUnitArn", "OrganizationalUnitArn" },
        };

        private readonly Func<AwsRecordView, ShareAction> _action;
        private readonly AwsValue? _operationType;
        private readonly AwsPath _list;
        private readonly bool _groups;

        public Ec2ItemsRule(Func<AwsRecordView, ShareAction> action, AwsValue? operationType, AwsPath list, bool groups)
        {
            _action = action;
            _operationType = operationType;
            _list = list;
            _groups = groups;
        }

        protected override void Add(AwsRecordView view, AwsGrantSet set) => AddItems(set, _action(view), _list.Resolve(view), _groups);

        private static void AddItems(AwsGrantSet set, ShareAction action, JsonElement list, bool groups)
        {
            switch (list.ValueKind)
            {
                case JsonValueKind.Object when list.TryGetProperty("items", out var items):
                    AddItems(set, action, items, groups);
                    break;
                case JsonValueKind.Array:
                    foreach (var item in list.EnumerateArray()) AddItems(set, action, item, groups);
                    break;
                case JsonValueKind.Object:
                    set.Add(action, list.Str("userId") ?? list.Str("UserId"));
                    set.Add(action, Group(list.Str("group") ?? list.Str("Group")));
                    set.Add(action, list.Str("organizationArn") ?? list.Str("OrganizationArn"));
                    set.Add(action, list.Str("organizationalUnitArn") ?? list.Str("OrganizationalUnitArn"));
                    break;
                case JsonValueKind.String:
                    set.Add(action, groups ? Group(list.GetString()) : list.GetString());
                    break;
            }
        }

        /// <summary>EC2's only group is "all" (public); any other group grants nothing known and stays visible as Unknown.</summary>
        private static string? Group(string? group) =>
            group == null ? null : string.Equals(group, "all", StringComparison.OrdinalIgnoreCase) ? "all" : "group:" + group;

        private static string GroupSql(string g) => $"CASE WHEN lower({g}) = 'all' THEN 'all' ELSE 'group:' || {g} END";

        /// <summary>
        /// SQL reads the list (or its items) one level deep: each item an object with the four fields, or a string.
        /// The engine also descends into lists nested in lists, which EC2 does not write.
        /// </summary>
        protected override IEnumerable<AwsSqlGrant> Compile(AwsSqlContext c)
        {
            var d = c.Dialect;
            var (bind1, list) = c.Bind(c.Json(_list));
            var (bind2, withItems) = c.Bind($"COALESCE({d.JsonAt(list, "$.items")}, {list})");
            string action = _operationType == null
                ? d.Literal(_action(default).ToString())
                : $"CASE WHEN lower(replace({_operationType.Sql(c)}, '_', '')) = 'remove' THEN 'Remove' ELSE 'Add' END";
            string alias = c.NewAlias("i");
            var (unnest, item) = d.Unnest(d.Items(withItems), alias);
            string from = bind1 + "\n  " + bind2 + "\n  " + unnest;
            string asText = d.ScalarText(item);
            var candidates = new List<string> { _groups ? $"CASE WHEN {asText} IS NOT NULL THEN {GroupSql(asText)} END" : asText };
            for (int f = 0; f < Fields.Length; f++)
            {
                string value = "COALESCE(" + string.Join(", ", Fields[f].Select(n => d.TextAt(item, "$." + n))) + ")";
                candidates.Add(f == 1 ? $"CASE WHEN {value} IS NOT NULL THEN {GroupSql(value)} END" : value);
            }
            // One row per item and field (the item itself when it is a string, else each of its four fields).
            var (fields, grantee) = d.Unnest(d.ArrayOf(candidates), c.NewAlias("f"));
            yield return new AwsSqlGrant(action, grantee, "CAST(NULL AS VARCHAR)") { From = from + "\n  " + fields };
        }

        private static string GroupKql(string g) => $"iff(isempty({g}), \"\", iff(tolower({g}) == \"all\", \"all\", strcat(\"group:\", {g})))";

        /// <summary>KQL reads the list (or its items) one level deep, as the SQL does: each item an object with the four fields, or a string.</summary>
        protected override IEnumerable<AwsKqlGrant> CompileKql(AwsKqlContext c)
        {
            var (bind1, list) = c.Bind(c.Json(_list));
            var (bind2, withItems) = c.Bind($"coalesce({list}[\"items\"], {list})");
            string action = _operationType == null
                ? Queries.Kql.Literal(_action(default).ToString())
                : $"iff(tolower(replace_string({_operationType.Kql(c)}, \"_\", \"\")) == \"remove\", \"Remove\", \"Add\")";
            var (expand, item) = c.Expand($"JItems({withItems})");
            var candidates = new List<string> { _groups ? GroupKql($"JText({item})") : $"JText({item})" };
            for (int f = 0; f < Fields.Length; f++)
            {
                string value = "coalesce(" + string.Join(", ", Fields[f].Select(n => $"JText({item}[{Queries.Kql.Literal(n)}])")) + ")";
                candidates.Add(f == 1 ? GroupKql(value) : value);
            }
            // One row per item and field (the item itself when it is a string, else each of its four fields).
            var (fields, grantee) = c.Expand("pack_array(" + string.Join(", ", candidates) + ")", typed: true);
            yield return new AwsKqlGrant(action, grantee, "\"\"") { Steps = new[] { bind1, bind2, expand, fields } };
        }
    }
}

/// <summary>
/// A rule whose in-process reading is code (an S3 ACL with its body, canned and header forms; replication rules;
/// a copy between buckets), with its SQL compilation given beside it. The DuckDB equality tests hold the two together.
/// </summary>
internal sealed class ProceduralRule : AwsGranteeRule
{
    private readonly Action<AwsRecordView, AwsGrantSet> _extract;
    private readonly Func<AwsSqlContext, IEnumerable<AwsSqlGrant>> _compile;
    private readonly Func<AwsKqlContext, IEnumerable<AwsKqlGrant>> _compileKql;

    public ProceduralRule(Action<AwsRecordView, AwsGrantSet> extract, Func<AwsSqlContext, IEnumerable<AwsSqlGrant>> compile, Func<AwsKqlContext, IEnumerable<AwsKqlGrant>> compileKql)
    {
        _extract = extract;
        _compile = compile;
        _compileKql = compileKql;
    }

    protected override void Add(AwsRecordView view, AwsGrantSet set) => _extract(view, set);

    protected override IEnumerable<AwsSqlGrant> Compile(AwsSqlContext c) => _compile(c);

    protected override IEnumerable<AwsKqlGrant> CompileKql(AwsKqlContext c) => _compileKql(c);
}

/// <summary>
/// One KQL branch of grants a rule compiles to: operators over the base rows (extend, mv-expand), predicates, and the
/// grant's columns (the same as <see cref="AwsSqlGrant"/>'s; KQL has no NULL string: empty is absent).
/// </summary>
internal sealed record AwsKqlGrant(string Action, string Grantee, string GranteeType)
{
    public IReadOnlyList<string> Steps { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Where { get; init; } = Array.Empty<string>();
    public string Permission { get; init; } = "\"\"";
    public string Note { get; init; } = "\"\"";
    public string? ResourceType { get; init; }
    public string? ResourceId { get; init; }
    public string? Owner { get; init; }
    public string Group { get; init; } = "\"\"";
    public string Rank { get; init; } = "long(null)";
    public string Entry { get; init; } = "\"\"";
    public string Wildcard { get; init; } = "0";

    public AwsKqlGrant And(string predicate) => this with { Where = Where.Concat(new[] { predicate }).ToList() };
}

/// <summary>One SELECT of grants a rule compiles to: extra FROM (unnests), predicates, and the grant's columns.</summary>
internal sealed record AwsSqlGrant(string Action, string Grantee, string GranteeType)
{
    public string From { get; init; } = "";
    public string Where { get; init; } = "TRUE";
    public string Permission { get; init; } = "CAST(NULL AS VARCHAR)";
    public string Note { get; init; } = "CAST(NULL AS VARCHAR)";

    /// <summary>Overrides the definition's resource type (S3 guardrails) and id.</summary>
    public string? ResourceType { get; init; }
    public string? ResourceId { get; init; }
    public string? Owner { get; init; }

    /// <summary>Narrowing of a policy statement's grant to everyone: the statement, the candidate's rank, its condition entry, and whether its value has a wildcard.</summary>
    public string Group { get; init; } = "CAST(NULL AS VARCHAR)";
    public string Rank { get; init; } = "CAST(NULL AS INTEGER)";
    public string Entry { get; init; } = "CAST(NULL AS VARCHAR)";
    public string Wildcard { get; init; } = "FALSE";

    public AwsSqlGrant And(string predicate) => this with { Where = Where == "TRUE" ? predicate : $"{Where} AND {predicate}" };
}
