using System;
using System.Management.Automation;
using TransferDetect.Engine.Queries;

namespace TransferDetect.Commands;

/// <summary>
/// Writes the AWS detections as queries for where the logs are kept (Athena's CloudTrail table, a CloudTrail Lake
/// event data store), generated from the definitions the engine runs, with the trust zone in the query.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "DetectionQuery")]
[OutputType(typeof(DetectionQuery))]
public sealed class ConvertToDetectionQueryCommand : TrustZoneCommandBase
{
    /// <summary>Athena or CloudTrailLake.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public QueryEngine Engine { get => (QueryEngine)_engine; set => _engine = value; }

    // Boxed: no field of an engine enum in a public type (see ExportTransferReportCommand._formatBox).
    private object _engine = default(QueryEngine);

    /// <summary>Athena: the CloudTrail table (default cloudtrail_logs).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Table { get; set; }

    /// <summary>CloudTrail Lake: the event data store id.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EventDataStore { get; set; }

    /// <summary>Only these detections (CloudTrail event names).</summary>
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
}
