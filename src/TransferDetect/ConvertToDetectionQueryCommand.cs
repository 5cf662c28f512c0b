using System;
using System.Collections.Generic;
using System.Management.Automation;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Queries;

namespace TransferDetect.Commands;

/// <summary>
/// Writes the detections as queries for where the logs are kept (AWS: Athena's CloudTrail table, a CloudTrail Lake
/// event data store; Azure, Microsoft 365 and AWS: KQL over Log Analytics / Microsoft Sentinel), generated from the
/// definitions and catalogues the engine runs, with the trust zone in the query.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "DetectionQuery")]
[OutputType(typeof(DetectionQuery))]
public sealed class ConvertToDetectionQueryCommand : TrustZoneCommandBase
{
    /// <summary>Athena, CloudTrailLake or Kql.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public QueryEngine Engine { get => (QueryEngine)_engine; set => _engine = value; }

    // Boxed: no field of an engine enum in a public type (see ExportTransferReportCommand._formatBox).
    private object _engine = default(QueryEngine);

    /// <summary>Whose detections: Aws (Athena, CloudTrail Lake, Kql), Azure or M365 (Kql). Kql without it: the Azure and Microsoft 365 queries.</summary>
    [Parameter]
    [ValidateSet("Aws", "Azure", "M365")]
    public Provider? Provider { get => (Provider?)_provider; set => _provider = value; }

    // Boxed (null or a Provider): no field of an engine enum in a public type (see ModuleLoadContext.cs).
    private object? _provider;

    /// <summary>Athena: the CloudTrail table (default cloudtrail_logs).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Table { get; set; }

    /// <summary>CloudTrail Lake: the event data store id.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EventDataStore { get; set; }

    /// <summary>Only these detections (CloudTrail event names): SQL, or Kql with -Provider Aws.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Operation { get; set; }

    /// <summary>Events at or after this time.</summary>
    [Parameter]
    public DateTime? StartTime { get; set; }

    /// <summary>Events before this time.</summary>
    [Parameter]
    public DateTime? EndTime { get; set; }

    protected override void EndProcessing()
    {
        var zone = LoadTrustZone();
        if (Engine == QueryEngine.Kql)
        {
            WriteKql(zone);
            return;
        }
        if (Provider != null && Provider != TransferDetect.Engine.Model.Provider.Aws)
        {
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException($"{Engine} queries are for AWS CloudTrail; the {Provider} detections are written as KQL: -Engine Kql -Provider {Provider}."),
                "TransferDetect.ProviderNotForEngine", ErrorCategory.InvalidArgument, Provider));
        }
        if (Engine == QueryEngine.CloudTrailLake && EventDataStore == null)
        {
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException("A CloudTrail Lake query needs -EventDataStore (the event data store id of its FROM clause)."),
                "TransferDetect.MissingEventDataStore", ErrorCategory.InvalidArgument, null));
        }
        if (Engine == QueryEngine.Athena && EventDataStore != null)
        {
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException("-EventDataStore is for CloudTrail Lake; name an Athena table with -Table."),
                "TransferDetect.EventDataStoreNotForAthena", ErrorCategory.InvalidArgument, null));
        }
        var options = new DetectionQueryOptions
        {
            Table = Engine == QueryEngine.CloudTrailLake ? EventDataStore : Table,
            StartTime = StartTime?.ToUniversalTime(),
            EndTime = EndTime?.ToUniversalTime(),
        };
        try
        {
            foreach (var query in DetectionQueryGenerator.Aws(Engine, zone, options, Operation)) WriteObject(query);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "TransferDetect.InvalidOperation", ErrorCategory.InvalidArgument, Operation));
        }
    }

    private void WriteKql(TransferDetect.Engine.Detection.TrustZone zone)
    {
        string? sqlOnly = Table != null ? "-Table" : EventDataStore != null ? "-EventDataStore" : null;
        if (sqlOnly != null)
        {
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException($"{sqlOnly} is for the AWS SQL queries (Athena, CloudTrail Lake); a KQL query reads its provider's Sentinel table (AWSCloudTrail, AzureActivity, OfficeActivity)."),
                "TransferDetect.ParameterNotForKql", ErrorCategory.InvalidArgument, null));
        }
        bool aws = Provider == TransferDetect.Engine.Model.Provider.Aws;
        if (Operation != null && !aws)
        {
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException("-Operation selects AWS detections (CloudTrail event names); with -Engine Kql name -Provider Aws. The Azure and Microsoft 365 KQL reads every operation of its catalogue."),
                "TransferDetect.ParameterNotForKql", ErrorCategory.InvalidArgument, null));
        }
        var options = new DetectionQueryOptions { StartTime = StartTime?.ToUniversalTime(), EndTime = EndTime?.ToUniversalTime() };
        IReadOnlyList<DetectionQuery> queries;
        try
        {
            queries = DetectionQueryGenerator.Kql(zone, Provider, options, aws ? Operation : null);
        }
        catch (ArgumentException e) when (aws)
        {
            ThrowTerminatingError(new ErrorRecord(e, "TransferDetect.InvalidOperation", ErrorCategory.InvalidArgument, Operation));
            return;
        }
        foreach (var query in queries) WriteObject(query);
    }
}
