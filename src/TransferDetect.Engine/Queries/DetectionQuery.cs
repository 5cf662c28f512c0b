using System;
using System.Collections.Generic;
using System.Linq;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Aws;
using TransferDetect.Engine.Sources.Azure;
using TransferDetect.Engine.Sources.M365;

namespace TransferDetect.Engine.Queries;

/// <summary>Where a generated query runs.</summary>
public enum QueryEngine
{
    /// <summary>Amazon Athena (Trino) over the CloudTrail table of AWS's documented DDL.</summary>
    Athena,

    /// <summary>CloudTrail Lake SQL over an event data store.</summary>
    CloudTrailLake,

    /// <summary>
    /// KQL for Log Analytics / Microsoft Sentinel: AzureActivity (Azure), OfficeActivity (Microsoft 365), AWSCloudTrail
    /// (AWS, one query per detection). Only golden-file and column tested: no KQL engine runs in the tests.
    /// </summary>
    Kql,
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

    /// <summary>The detections the query looks for: CloudTrail event names, or the Azure / Microsoft 365 catalogue operations.</summary>
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
        if (engine == QueryEngine.Kql) throw new ArgumentException("KQL queries come from DetectionQueryGenerator.Kql.", nameof(engine));
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

    /// <summary>The providers a KQL query is generated for, in order, when none is named.</summary>
    public static readonly IReadOnlyList<Provider> KqlProviders = new[] { Provider.Azure, Provider.M365 };

    /// <summary>
    /// KQL over Microsoft Sentinel / Log Analytics: one query per provider (Azure: AzureActivity; M365: OfficeActivity),
    /// with the catalogue's operations and the zone's trusted tenants, subscriptions and domains written into it; for
    /// AWS (AWSCloudTrail, only when named: it is not among <see cref="KqlProviders"/>), one query per detection as for
    /// SQL, optionally only those of some event names, with the zone's trusted accounts, organizations and OUs.
    /// </summary>
    public static IReadOnlyList<DetectionQuery> Kql(TrustZone zone, Provider? provider = null, DetectionQueryOptions? options = null, IEnumerable<string>? eventNames = null)
    {
        if (zone == null) throw new ArgumentNullException(nameof(zone));
        if (eventNames != null && provider != Provider.Aws) throw new ArgumentException("Event names select AWS detections: name the provider Aws.", nameof(eventNames));
        var providers = provider == null ? KqlProviders : new[] { provider.Value };
        var result = new List<DetectionQuery>();
        foreach (var p in providers)
        {
            switch (p)
            {
                case Provider.Azure:
                    result.Add(new DetectionQuery(QueryEngine.Kql, p, AzureOperations.All.Select(o => o.Name).ToList(), AzureKqlGenerator.Generate(zone, options)));
                    break;
                case Provider.M365:
                    result.Add(new DetectionQuery(QueryEngine.Kql, p, M365Operations.All.Select(o => o.Name).ToList(), M365KqlGenerator.Generate(zone, options)));
                    break;
                case Provider.Aws:
                    var catalog = eventNames == null ? AwsShareCatalog.All : AwsShareCatalog.All.Only(eventNames);
                    var generator = new AwsKqlGenerator(zone);
                    result.AddRange(AwsSqlGenerator.Definitions(catalog.Operations)
                        .Select(d => new DetectionQuery(QueryEngine.Kql, p, new[] { d.EventName }, generator.Generate(d, options))));
                    break;
                default:
                    throw new NotSupportedException($"No KQL is generated for {p}: KQL covers Azure (AzureActivity), Microsoft 365 (OfficeActivity) and AWS (AWSCloudTrail).");
            }
        }
        return result;
    }
}
