using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Queries;
using TransferDetect.Engine.Sources.Aws;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>The generated query texts: every detection has one, the zone is in it, literals are escaped, golden files pin the text.</summary>
public class DetectionQueryTests
{
    private static TrustZone Zone()
    {
        var zone = TrustZone.Empty;
        zone.AddAwsAccount("444455556666");
        zone.AddAwsOrganization("o-a1b2c3d4e5");
        zone.AddAwsOrganizationalUnit("ou-ab12-cdef3456");
        return zone;
    }

    [Fact]
    public void Every_operation_of_the_aws_catalogue_is_declared_as_a_definition_and_gets_a_query()
    {
        var undeclared = AwsShareCatalog.All.Operations.Where(o => o.Definition == null).Select(o => o.EventName).ToList();
        Assert.Empty(undeclared);
        var queries = DetectionQueryGenerator.Aws(QueryEngine.Athena, Zone());
        Assert.Equal(AwsShareCatalog.All.Operations.Select(o => o.EventName), queries.Select(q => Assert.Single(q.Detections)));
    }

    [Fact]
    public void The_trust_zone_is_written_into_the_query()
    {
        var q = DetectionQueryGenerator.Aws(QueryEngine.Athena, Zone(), eventNames: new[] { "ModifySnapshotAttribute" }).Single();
        Assert.Contains("p.granteeaccount IN ('444455556666')", q.Text);
        Assert.Contains("p.granteeorganization IN ('o-a1b2c3d4e5')", q.Text);
        Assert.Contains("p.granteeunit IN ('ou-ab12-cdef3456')", q.Text);
        Assert.Contains("p.granteeaccount = p.owneraccount", q.Text);
        Assert.Equal(q.Text, q.ToString());
        var empty = DetectionQueryGenerator.Aws(QueryEngine.Athena, TrustZone.Empty, eventNames: new[] { "ModifySnapshotAttribute" }).Single();
        Assert.DoesNotContain(" IN ()", empty.Text);
        Assert.Contains("p.granteeaccount = p.owneraccount OR FALSE", empty.Text);
    }

    [Theory]
    [InlineData("O'Brien", "'O''Brien'")]
    [InlineData("a''b", "'a''''b'")]
    [InlineData("plain", "'plain'")]
    public void String_literals_double_their_quotes_in_every_sql_dialect(string value, string literal)
    {
        Assert.Equal(literal, AthenaDialect.Instance.Literal(value));
        Assert.Equal(literal, CloudTrailLakeDialect.Instance.Literal(value));
        Assert.Equal(literal, DuckDbDialect.Instance.Literal(value));
    }

    [Fact]
    public void A_quote_in_a_value_reaches_duckdb_as_data_not_as_sql()
    {
        using var table = new AthenaTable();
        var rows = table.Query("SELECT " + DuckDbDialect.Instance.Literal("it's ' ; DROP TABLE cloudtrail_logs; --") + " AS v");
        Assert.Equal("it's ' ; DROP TABLE cloudtrail_logs; --", Assert.Single(rows)["v"]);
        Assert.Empty(table.Query("SELECT * FROM cloudtrail_logs"));
    }

    [Fact]
    public void The_time_window_bounds_the_event_time_in_each_dialect()
    {
        var options = new DetectionQueryOptions { Table = "eds-0123", StartTime = new DateTime(2024, 8, 1, 0, 0, 0, DateTimeKind.Utc), EndTime = new DateTime(2024, 9, 1, 0, 0, 0, DateTimeKind.Utc) };
        var athena = DetectionQueryGenerator.Aws(QueryEngine.Athena, Zone(), options, new[] { "CreateGrant" }).Single().Text;
        Assert.Contains("from_iso8601_timestamp(e.eventtime) >= from_iso8601_timestamp('2024-08-01T00:00:00Z')", athena);
        Assert.Contains("from_iso8601_timestamp(e.eventtime) < from_iso8601_timestamp('2024-09-01T00:00:00Z')", athena);
        Assert.Contains("FROM eds-0123 e", athena);
        var lake = DetectionQueryGenerator.Aws(QueryEngine.CloudTrailLake, Zone(), options, new[] { "CreateGrant" }).Single().Text;
        Assert.Contains("e.eventTime >= from_iso8601_timestamp('2024-08-01T00:00:00Z')", lake);
        Assert.Contains("element_at(b.requestparameters, 'granteePrincipal')", lake);
    }

    [Fact]
    public void A_cloudtrail_lake_query_needs_the_event_data_store()
    {
        var e = Assert.Throws<ArgumentException>(() => DetectionQueryGenerator.Aws(QueryEngine.CloudTrailLake, Zone()));
        Assert.Contains("event data store", e.Message);
    }

    /// <summary>
    /// Golden files: the exact text for a few detections of each kind (a list, EC2 items, a policy document, an ACL).
    /// Set TRANSFERDETECT_UPDATE_GOLDEN=1 to rewrite them after a deliberate change, and read the diff.
    /// </summary>
    [Theory]
    [InlineData(QueryEngine.Athena, "ModifySnapshotAttribute")]
    [InlineData(QueryEngine.Athena, "PutBucketPolicy")]
    [InlineData(QueryEngine.Athena, "CreateResourceShare")]
    [InlineData(QueryEngine.CloudTrailLake, "ModifySnapshotAttribute")]
    [InlineData(QueryEngine.CloudTrailLake, "PutBucketAcl")]
    public void Generated_text_matches_its_golden_file(QueryEngine engine, string eventName)
    {
        var options = new DetectionQueryOptions { Table = engine == QueryEngine.CloudTrailLake ? "0123abcd-4567-89ef-0123-456789abcdef" : null };
        string text = DetectionQueryGenerator.Aws(engine, Zone(), options, new[] { eventName }).Single().Text;
        string path = Path.Combine(RepoPaths.Root, "tests", "TransferDetect.Engine.Tests", "Golden", $"{engine}.{eventName}.sql");
        if (Environment.GetEnvironmentVariable("TRANSFERDETECT_UPDATE_GOLDEN") == "1") File.WriteAllText(path, text);
        Assert.True(File.Exists(path), $"{path} is missing: run with TRANSFERDETECT_UPDATE_GOLDEN=1 once and review it.");
        Assert.Equal(File.ReadAllText(path).Replace("\r\n", "\n"), text);
    }
}
