using System;
using System.Collections.Generic;
using System.Linq;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Engine.Queries;

/// <summary>Where a generated query runs.</summary>
public enum QueryEngine
{
    /// <summary>Amazon Athena (Trino) over the CloudTrail table of AWS's documented DDL.</summary>
    Athena,

    /// <summary>CloudTrail Lake SQL over an event data store.</summary>
    CloudTrailLake,
}

/// <summary>A query generated from the engine's detection definitions.</summary>
public sealed class DetectionQuery
{
    internal DetectionQuery(QueryEngine engine, Provider provider, IReadOnlyList<string> detections, string text)
    {
        Engine = engine;
        Provider = provider;
        Detections = detections;
        Text = text;
    }

    public QueryEngine Engine { get; }
    public Provider Provider { get; }

    /// <summary>The detections (CloudTrail event names) the query looks for.</summary>
    public IReadOnlyList<string> Detections { get; }

    public string Text { get; }

    public override string ToString() => Text;
}

/// <summary>
/// Generates, from the same definitions the engine runs in process, the queries that find the same shares where
/// the logs are kept: one query per AWS detection (a detection's query returns exactly the findings
/// Find-ExternalShare gives for its records, with the trust zone written into the query).
/// </summary>
public static class DetectionQueryGenerator
{
    /// <summary>The queries for the AWS detections, optionally only those of some event names (any case).</summary>
    public static IReadOnlyList<DetectionQuery> Aws(QueryEngine engine, TrustZone zone, DetectionQueryOptions? options = null, IEnumerable<string>? eventNames = null)
    {
        if (zone == null) throw new ArgumentNullException(nameof(zone));
        var catalog = eventNames == null ? AwsShareCatalog.All : AwsShareCatalog.All.Only(eventNames);
        SqlDialect dialect = engine == QueryEngine.CloudTrailLake ? CloudTrailLakeDialect.Instance : AthenaDialect.Instance;
        if (engine == QueryEngine.CloudTrailLake && string.IsNullOrWhiteSpace(options?.Table))
        {
            throw new ArgumentException("A CloudTrail Lake query needs the event data store id (the table of its FROM clause).", nameof(options));
        }
        var generator = new AwsSqlGenerator(dialect, zone);
        return AwsSqlGenerator.Definitions(catalog.Operations)
            .Select(d => new DetectionQuery(engine, Provider.Aws, new[] { d.EventName }, generator.Generate(new[] { d }, options)))
            .ToList();
    }
}
