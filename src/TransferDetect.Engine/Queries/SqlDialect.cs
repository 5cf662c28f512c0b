using System;
using System.Globalization;
using System.Collections.Generic;

namespace TransferDetect.Engine.Queries;

/// <summary>
/// The few places where the SQL engines the AWS queries run on differ. The generator writes one query
/// through a dialect: Athena (Trino), CloudTrail Lake (Trino-like, columns in camelCase, requestParameters a
/// map of strings) and DuckDB (which runs the Athena-shaped query in the tests). Every difference bridged is here.
/// </summary>
internal abstract class SqlDialect
{
    public abstract string Name { get; }

    /// <summary>A string literal: single quotes, a quote doubled (the same in Trino and DuckDB).</summary>
    public virtual string Literal(string? text) => text == null ? "NULL" : "'" + text.Replace("'", "''") + "'";

    /// <summary>A JSON path literal for a property name: $.name, or $["na-me"] / $."na-me" when it is not a plain identifier.</summary>
    public string Path(string parent, string name)
    {
        bool plain = name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_');
        foreach (char ch in name) plain &= char.IsLetterOrDigit(ch) || ch == '_';
        return plain ? parent + "." + name : parent + QuotedStep(name);
    }

    protected abstract string QuotedStep(string name);

    /// <summary>The JSON value at a constant path of a JSON value or JSON text; NULL when absent.</summary>
    public virtual string JsonAt(string json, string path) => $"json_extract({json}, {Literal(path)})";

    /// <summary>A string, or the text of a number or boolean, at a path; NULL for objects, arrays, null and absent.</summary>
    public abstract string TextAt(string json, string path);

    /// <summary><see cref="TextAt"/> of the value itself.</summary>
    public string ScalarText(string json) => TextAt(json, "$");

    /// <summary>Is the JSON value a string (not a number, object...)?</summary>
    public abstract string IsJsonString(string json);

    /// <summary>Is the JSON value present and not JSON null?</summary>
    public abstract string IsPresent(string json);

    /// <summary>The JSON text of a JSON value.</summary>
    public abstract string JsonText(string json);

    /// <summary>Does the requestParameters column hold an object?</summary>
    public virtual string RequestParametersIsObject(string column) => $"COALESCE(ltrim({column}) LIKE '{{%', FALSE)";

    /// <summary>Is the JSON value an object?</summary>
    public abstract string IsJsonObject(string json);

    /// <summary>The items of a JSON array, or the value itself as a list of one; an empty list for null or absent (the engine's OneOrMany).</summary>
    public abstract string Items(string json);

    /// <summary>A FROM fragment that unnests a list of JSON values, and the expression of one value.</summary>
    public virtual (string From, string Item) Unnest(string list, string alias) => ($"CROSS JOIN UNNEST({list}) AS {alias}(x)", alias + ".x");

    /// <summary>A FROM fragment that unnests the members of a JSON object (none for a non-object), and the key and value expressions.</summary>
    public abstract (string From, string Key, string Value) UnnestMembers(string json, string alias);

    /// <summary>JSON text (a policy written as a string) parsed; NULL when it is not valid JSON.</summary>
    public abstract string ParseJson(string text);

    /// <summary>Does the text match the regular expression (anywhere, as Trino's regexp_like and DuckDB's regexp_matches)?</summary>
    public abstract string Matches(string text, string pattern);

    /// <summary>A capture group, or NULL when the expression does not match (DuckDB returns '': bridged with NULLIF).</summary>
    public virtual string RegexExtract(string text, string pattern, int group) => $"NULLIF(regexp_extract({text}, {Literal(pattern)}, {group}), '')";

    /// <summary>The event time column (ISO 8601 text) as a timestamp.</summary>
    public abstract string Timestamp(string isoText);

    /// <summary>How a common table expression is introduced: DuckDB is told to materialize it (its planner otherwise inlines the union into every use); Trino has no such hint.</summary>
    public virtual string CteAs => "AS";

    /// <summary>Text split at a separator into a list of text: Trino split, DuckDB string_split.</summary>
    public virtual string Split(string text, string separator) => $"split({text}, {Literal(separator)})";

    /// <summary>The elements of a list for which the predicate (over <paramref name="variable"/>) holds.</summary>
    public virtual string Filter(string list, string variable, string predicate) => $"filter({list}, {variable} -> {predicate})";

    /// <summary>The first element of a list, or NULL.</summary>
    public virtual string First(string list) => $"element_at({list}, 1)";

    /// <summary>The number of elements of a list.</summary>
    public virtual string Length(string list) => $"cardinality({list})";

    /// <summary>
    /// Unnests the resources column (an array of rows arn, accountid, type): Trino spreads a row's fields into
    /// columns, DuckDB keeps the struct. Returns the FROM fragment and how to read a field.
    /// </summary>
    public virtual (string From, Func<string, string> Field) UnnestResources(string list, string alias) =>
        ($"CROSS JOIN UNNEST({list}) AS {alias}(arn, accountid, type)", f => alias + "." + f);

    /// <summary>A list literal of expressions.</summary>
    public virtual string ArrayOf(IEnumerable<string> items) => "ARRAY[" + string.Join(", ", items) + "]";

    /// <summary>A timestamp literal.</summary>
    public abstract string TimestampLiteral(DateTime utc);

    /// <summary>The table's columns: Athena's lower-case names (DuckDB uses the same table shape), CloudTrail Lake's camelCase.</summary>
    public abstract string Column(string camelCaseName);

    /// <summary>A top-level JSON document column (requestParameters, responseElements, serviceEventDetails) and the property under it, as JSON.</summary>
    public virtual string DocumentMember(string column, string name) => JsonAt(column, Path("$", name));

    protected static string Iso(DateTime utc) => utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>Amazon Athena (Trino engine version 3) over the CloudTrail table of AWS's documented DDL.</summary>
internal class AthenaDialect : SqlDialect
{
    public static readonly AthenaDialect Instance = new();

    public override string Name => "Athena";

    protected override string QuotedStep(string name) => "[\"" + name.Replace("\"", "\\\"") + "\"]";

    public override string TextAt(string json, string path) => $"json_extract_scalar({json}, {Literal(path)})";

    public override string IsJsonString(string json) => $"(json_format({json}) LIKE '\"%')";

    public override string IsJsonObject(string json) => $"(json_format({json}) LIKE '{{%')";

    public override string IsPresent(string json) => $"(json_format({json}) <> 'null')";

    public override string JsonText(string json) => $"json_format({json})";

    public override string Items(string json) =>
        $"(CASE WHEN json_array_length({json}) IS NOT NULL THEN CAST({json} AS ARRAY(JSON)) WHEN {json} IS NULL OR json_format({json}) = 'null' THEN CAST(ARRAY[] AS ARRAY(JSON)) ELSE ARRAY[{json}] END)";

    public override (string From, string Key, string Value) UnnestMembers(string json, string alias) =>
        ($"CROSS JOIN UNNEST(TRY_CAST({json} AS MAP(VARCHAR, JSON))) AS {alias}(k, v)", alias + ".k", alias + ".v");

    public override string ParseJson(string text) => $"TRY(json_parse({text}))";

    public override string Matches(string text, string pattern) => $"regexp_like({text}, {Literal(pattern)})";

    public override string Timestamp(string isoText) => $"from_iso8601_timestamp({isoText})";

    public override string TimestampLiteral(DateTime utc) => $"from_iso8601_timestamp({Literal(Iso(utc))})";

    public override string Column(string camelCaseName) => camelCaseName.ToLowerInvariant();
}

/// <summary>
/// CloudTrail Lake: the event data store id is the table; columns keep CloudTrail's camelCase names, and
/// requestParameters / responseElements / serviceEventDetails are maps of strings whose nested objects are JSON text.
/// </summary>
internal sealed class CloudTrailLakeDialect : AthenaDialect
{
    public static new readonly CloudTrailLakeDialect Instance = new();

    public override string Name => "CloudTrailLake";

    public override string Column(string camelCaseName) => camelCaseName;

    public override string RequestParametersIsObject(string column) => $"{column} IS NOT NULL";

    /// <summary>eventTime is a timestamp column in an event data store.</summary>
    public override string Timestamp(string isoText) => isoText;

    /// <summary>element_at(map, 'name'): JSON text for a nested object (parsed), or a plain string (kept as a JSON string).</summary>
    public override string DocumentMember(string column, string name) =>
        $"COALESCE(TRY(json_parse(element_at({column}, {Literal(name)}))), CAST(element_at({column}, {Literal(name)}) AS JSON))";
}

/// <summary>DuckDB (1.5) over a table of the Athena shape: runs the generated Athena query in the tests.</summary>
internal sealed class DuckDbDialect : SqlDialect
{
    public static readonly DuckDbDialect Instance = new();

    public override string Name => "DuckDB";

    public override string CteAs => "AS MATERIALIZED";

    public override string Split(string text, string separator) => $"string_split({text}, {Literal(separator)})";

    public override string Filter(string list, string variable, string predicate) => $"list_filter({list}, {variable} -> {predicate})";

    public override string First(string list) => $"({list})[1]";

    public override string Length(string list) => $"len({list})";

    public override (string From, Func<string, string> Field) UnnestResources(string list, string alias) =>
        ($"CROSS JOIN UNNEST({list}) AS {alias}(x)", f => alias + ".x." + f);

    public override string ArrayOf(IEnumerable<string> items) => "[" + string.Join(", ", items) + "]";

    protected override string QuotedStep(string name) => ".\"" + name.Replace("\"", "\\\"") + "\"";

    public override string TextAt(string json, string path) =>
        $"(CASE WHEN json_type({json}, {Literal(path)}) IN ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE', 'BOOLEAN') THEN json_extract_string({json}, {Literal(path)}) END)";

    public override string IsJsonString(string json) => $"(json_type({json}) = 'VARCHAR')";

    public override string IsJsonObject(string json) => $"(json_type({json}) = 'OBJECT')";

    public override string IsPresent(string json) => $"(json_type({json}) <> 'NULL')";

    public override string JsonText(string json) => $"CAST({json} AS VARCHAR)";

    public override string Items(string json) =>
        $"(CASE WHEN json_type({json}) = 'ARRAY' THEN CAST({json} AS JSON[]) WHEN {json} IS NULL OR json_type({json}) = 'NULL' THEN CAST([] AS JSON[]) ELSE [CAST({json} AS JSON)] END)";

    public override (string From, string Key, string Value) UnnestMembers(string json, string alias) =>
        ($"CROSS JOIN UNNEST(CASE WHEN json_type({json}) = 'OBJECT' THEN json_keys({json}) ELSE CAST([] AS VARCHAR[]) END) AS {alias}(k)",
         alias + ".k",
         $"json_extract({json}, '/' || replace(replace({alias}.k, '~', '~0'), '/', '~1'))");

    public override string ParseJson(string text) => $"(CASE WHEN json_valid({text}) THEN CAST({text} AS JSON) END)";

    public override string Matches(string text, string pattern) => $"regexp_matches({text}, {Literal(pattern)})";

    public override string Timestamp(string isoText) => $"CAST({isoText} AS TIMESTAMPTZ)";

    public override string TimestampLiteral(DateTime utc) => $"CAST({Literal(Iso(utc))} AS TIMESTAMPTZ)";

    public override string Column(string camelCaseName) => camelCaseName.ToLowerInvariant();
}
