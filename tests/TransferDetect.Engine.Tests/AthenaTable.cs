using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Queries;
using TransferDetect.Engine.Sources.Aws;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>
/// CloudTrail records in a DuckDB table shaped like Athena's CloudTrail table (AWS's documented DDL, as the
/// CloudTrail SerDe fills it: JSON keys matched without regard to case; userIdentity a struct; requestParameters,
/// responseElements, additionalEventData and serviceEventDetails kept as their JSON text; resources an array of
/// structs), and the generated query run over it.
/// </summary>
internal sealed class AthenaTable : IDisposable
{
    /// <summary>AWS's documented DDL for the CloudTrail table, in DuckDB types (STRING = VARCHAR, ARRAY&lt;STRUCT&gt; = STRUCT[]).</summary>
    public const string Ddl = """
        CREATE TABLE cloudtrail_logs (
          eventversion VARCHAR,
          useridentity STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, invokedby VARCHAR, accesskeyid VARCHAR, username VARCHAR),
          eventtime VARCHAR,
          eventsource VARCHAR,
          eventname VARCHAR,
          awsregion VARCHAR,
          sourceipaddress VARCHAR,
          useragent VARCHAR,
          errorcode VARCHAR,
          errormessage VARCHAR,
          requestparameters VARCHAR,
          responseelements VARCHAR,
          additionaleventdata VARCHAR,
          requestid VARCHAR,
          eventid VARCHAR,
          resources STRUCT(arn VARCHAR, accountid VARCHAR, type VARCHAR)[],
          eventtype VARCHAR,
          apiversion VARCHAR,
          readonly VARCHAR,
          recipientaccountid VARCHAR,
          serviceeventdetails VARCHAR,
          sharedeventid VARCHAR,
          vpcendpointid VARCHAR
        )
        """;

    private static readonly string[] Scalars =
    {
        "eventVersion", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent", "errorCode", "errorMessage",
    };

    private static readonly string[] Documents = { "requestParameters", "responseElements", "additionalEventData" };

    private static readonly string[] Trailing = { "requestID", "eventID" };

    private static readonly string[] Last = { "eventType", "apiVersion", "readOnly", "recipientAccountId" };

    private readonly DuckDBConnection _connection;

    public AthenaTable()
    {
        _connection = new DuckDBConnection("DataSource=:memory:");
        _connection.Open();
        Execute(Ddl);
    }

    public void Dispose() => _connection.Dispose();

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>A field of the record, its key matched in any case, as the SerDe does.</summary>
    private static JsonElement Field(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object) return default;
        foreach (var p in e.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p.Value;
        }
        return default;
    }

    /// <summary>A STRING column: a string as it is; another scalar as its text; an object or array as its JSON text; null as NULL.</summary>
    private static string? Text(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        JsonValueKind.String => e.GetString(),
        _ => e.GetRawText(),
    };

    public void Add(JsonElement record)
    {
        var values = new List<object?>();
        var identity = Field(record, "userIdentity");
        values.Add(Text(Field(record, "eventVersion")));
        foreach (var f in new[] { "type", "principalId", "arn", "accountId", "invokedBy", "accessKeyId", "userName" }) values.Add(Text(Field(identity, f)));
        foreach (var f in Scalars.Skip(1)) values.Add(Text(Field(record, f)));
        foreach (var f in Documents) values.Add(Text(Field(record, f)));
        foreach (var f in Trailing) values.Add(Text(Field(record, f)));
        var resources = Field(record, "resources");
        var list = new List<Dictionary<string, string?>>();
        if (resources.ValueKind == JsonValueKind.Array)
        {
            foreach (var r in resources.EnumerateArray())
            {
                list.Add(new Dictionary<string, string?> { ["arn"] = Text(Field(r, "ARN")), ["accountid"] = Text(Field(r, "accountId")), ["type"] = Text(Field(r, "type")) });
            }
        }
        values.Add(JsonSerializer.Serialize(list));
        foreach (var f in Last) values.Add(Text(Field(record, f)));
        foreach (var f in new[] { "serviceEventDetails", "sharedEventID", "vpcEndpointId" }) values.Add(Text(Field(record, f)));

        using var command = _connection.CreateCommand();
        var sql = new StringBuilder("INSERT INTO cloudtrail_logs VALUES ($1, {");
        string[] identityFields = { "type", "principalid", "arn", "accountid", "invokedby", "accesskeyid", "username" };
        sql.Append(string.Join(", ", identityFields.Select((f, i) => $"'{f}': ${i + 2}")));
        sql.Append('}');
        int n = 2 + identityFields.Length;
        int resourcesAt = 1 + identityFields.Length + (Scalars.Length - 1) + Documents.Length + Trailing.Length + 1;
        for (int i = n; i <= values.Count; i++)
        {
            sql.Append(", ");
            sql.Append(i == resourcesAt ? $"from_json(${i}, '[{{\"arn\":\"VARCHAR\",\"accountid\":\"VARCHAR\",\"type\":\"VARCHAR\"}}]')" : $"${i}");
        }
        sql.Append(')');
        command.CommandText = sql.ToString();
        foreach (var v in values) command.Parameters.Add(new DuckDBParameter(v ?? (object)DBNull.Value));
        command.ExecuteNonQuery();
    }

    /// <summary>Adds every record of CloudTrail text: an S3 delivery file ({"Records": [...]}), a JSON array, or JSON lines (Panther's {"log": ...} too).</summary>
    public void AddText(string text)
    {
        string t = text.TrimStart();
        if (t.StartsWith('[') || (t.StartsWith('{') && IsSingleDocument(t)))
        {
            using var doc = JsonDocument.Parse(t);
            var root = doc.RootElement;
            var records = root.ValueKind == JsonValueKind.Array ? root : Field(root, "Records");
            if (records.ValueKind == JsonValueKind.Array)
            {
                foreach (var r in records.EnumerateArray()) Add(r);
            }
            else
            {
                Add(Field(root, "log").ValueKind == JsonValueKind.Object ? Field(root, "log") : root);
            }
            return;
        }
        foreach (var line in text.Split('\n'))
        {
            if (line.Trim().Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            var log = Field(doc.RootElement, "log");
            Add(log.ValueKind == JsonValueKind.Object ? log : doc.RootElement);
        }
    }

    internal static bool IsSingleDocument(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The rows of a query, each column by name.</summary>
    public List<Dictionary<string, string?>> Query(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, string?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < reader.FieldCount; i++) row[reader.GetName(i)] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// The generated queries' findings as "eventId|grantee|severity" (sorted), run through the DuckDB dialect: one
    /// query per detection whose event name is in the table (the query of any other detection selects nothing, its
    /// base rows being filtered on the event name).
    /// </summary>
    public List<string> Findings(TrustZone zone, IEnumerable<AwsShareOperation>? operations = null)
    {
        var names = Query("SELECT DISTINCT eventname FROM cloudtrail_logs").Select(r => r["eventname"]).ToList();
        var definitions = AwsSqlGenerator.Definitions(operations ?? AwsShareCatalog.All.Operations)
            .Where(d => names.Any(n => AwsShareCatalog.All.Find(n)?.Definition == d)).ToList();
        var findings = new List<string>();
        var generator = new AwsSqlGenerator(DuckDbDialect.Instance, zone);
        foreach (var definition in definitions)
        {
            findings.AddRange(Query(generator.Generate(new[] { definition })).Select(r => Key(r["eventid"], r["grantee"], r["severity"])));
        }
        return findings.OrderBy(x => x, StringComparer.Ordinal).ToList();
    }

    public static string Key(string? eventId, string? grantee, string? severity) => $"{eventId}|{grantee}|{severity}";

    /// <summary>The engine's findings on the same text, as <see cref="Findings"/> gives them, for operations that have a definition.</summary>
    public static List<string> EngineFindings(string text, TrustZone zone)
    {
        var (events, _, _) = CloudTrailJson.Read(text);
        var detector = new ExternalShareDetector(zone);
        return events.Where(e => AwsShareCatalog.All.Find(e.Operation)?.Definition != null)
            .Select(detector.Evaluate).Where(f => f != null)
            .Select(f => Key(f!.EventId, f.Grantee, f.Severity.ToString())).OrderBy(x => x, StringComparer.Ordinal).ToList();
    }

    /// <summary>Asserts that the generated SQL, under DuckDB, gives exactly the engine's findings on the text.</summary>
    public static void AssertSameFindings(string text, TrustZone zone, string what) => AssertSameFindings(text, new[] { zone }, what);

    /// <summary>Asserts, for each zone, that the generated SQL under DuckDB gives exactly the engine's findings on the text; returns how many findings.</summary>
    public static int AssertSameFindings(string text, IEnumerable<TrustZone> zones, string what)
    {
        using var table = new AthenaTable();
        table.AddText(text);
        int count = 0;
        foreach (var zone in zones)
        {
            var expected = EngineFindings(text, zone);
            var actual = table.Findings(zone);
            Assert.True(expected.SequenceEqual(actual),
                $"The generated SQL (DuckDB) and the engine disagree on {what}.\nengine:\n  {string.Join("\n  ", expected)}\nsql:\n  {string.Join("\n  ", actual)}");
            count += expected.Count;
        }
        return count;
    }
}
