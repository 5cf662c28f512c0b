using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using TransferDetect.Engine.Live.Aws;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;

namespace TransferDetect.Commands;

/// <summary>The live AWS sources of Get-ShareEvent: CloudTrail LookupEvents (-Live) and a trail's bucket (-Bucket).</summary>
public sealed partial class GetShareEventCommand
{
    private AwsLiveSession? _aws;

    /// <summary>The AWS profile (shared config/credentials files; SSO, assume-role and process profiles too).</summary>
    [Parameter(ParameterSetName = AwsLiveCommand.LiveAwsSet)]
    [Parameter(ParameterSetName = AwsLiveCommand.AwsBucketSet)]
    [ValidateNotNullOrEmpty]
    public string? ProfileName { get; set; }

    /// <summary>The bucket a CloudTrail trail delivers to.</summary>
    [Parameter(ParameterSetName = AwsLiveCommand.AwsBucketSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? Bucket { get; set; }

    /// <summary>The trail's S3 key prefix (the folder above AWSLogs/), when it has one.</summary>
    [Parameter(ParameterSetName = AwsLiveCommand.AwsBucketSet)]
    [ValidateNotNull]
    public string? Prefix { get; set; }

    /// <summary>A folder that keeps the downloaded log files as evidence, in the bucket's key tree.</summary>
    [Parameter(ParameterSetName = AwsLiveCommand.AwsBucketSet)]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    internal override IEnumerable<ShareEvent>? ReadOtherSource(ShareLogReaderOptions options, CmdletScanHost host, CancellationToken cancellationToken)
    {
        if (ParameterSetName == AwsLiveCommand.LiveAwsSet)
        {
            AwsLiveCommand.RequireAws(this, Provider);
            string? warning = AwsLiveSession.LookupEventsRetentionWarning(options.Window, DateTime.UtcNow);
            if (warning != null) WriteWarning(warning);
            _aws = AwsLiveCommand.Open(this, host, ProfileName, Region);
            return AwsLiveCommand.Guard(this, _aws.LookupEvents(options, cancellationToken));
        }
        if (ParameterSetName == AwsLiveCommand.AwsBucketSet)
        {
            if (Provider != null) AwsLiveCommand.RequireAws(this, Provider);
            string? destination = Destination == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
            _aws = AwsLiveCommand.Open(this, host, ProfileName, Region);
            return AwsLiveCommand.Guard(this, _aws.TrailBucket(Bucket!, Prefix, destination, options, cancellationToken));
        }
        return null;
    }

    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (_aws?.Statistics != null) WriteVerbose(_aws.Statistics.Summary());
        _aws?.Dispose();
    }
}
