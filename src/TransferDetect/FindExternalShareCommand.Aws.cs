using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Live.Aws;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;

namespace TransferDetect.Commands;

/// <summary>
/// Find-ExternalShare -Live -Provider Aws: judges what is shared now (EBS snapshots, AMIs, bucket policies, ACLs,
/// replication) with the same trust zone, each grant linked to the CloudTrail event that made it when -GrantLogPath
/// names the logs.
/// </summary>
public sealed partial class FindExternalShareCommand
{
    /// <summary>AWS regions to read: names, or * for every enabled region; by default the profile's or environment's region.</summary>
    [Parameter(ParameterSetName = AwsLiveCommand.LiveAwsSet)]
    [ArgumentCompleter(typeof(AwsRegionCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Region { get; set; }

    /// <summary>The AWS profile (shared config/credentials files; SSO, assume-role and process profiles too).</summary>
    [Parameter(ParameterSetName = AwsLiveCommand.LiveAwsSet)]
    [ValidateNotNullOrEmpty]
    public string? ProfileName { get; set; }

    /// <summary>Only shares of these categories: Snapshot (EBS snapshots, AMIs), Storage (buckets). Both by default.</summary>
    [Parameter(ParameterSetName = AwsLiveCommand.LiveAwsSet)]
    [ValidateSet("Snapshot", "Storage")]
    public ShareCategory[]? Category { get; set; }

    /// <summary>CloudTrail logs (files or folders) whose grants are linked to the current state.</summary>
    [Parameter(ParameterSetName = AwsLiveCommand.LiveAwsSet)]
    [ValidateNotNullOrEmpty]
    public string[]? GrantLogPath { get; set; }

    /// <summary>Links the current grants to the events that made them, looked up with CloudTrail LookupEvents (90 days).</summary>
    [Parameter(ParameterSetName = AwsLiveCommand.LiveAwsSet)]
    public SwitchParameter LookupGrant { get; set; }

    /// <summary>Judges the current AWS state (called by ProcessLive for -Provider Aws).</summary>
    private void ProcessLiveAws(ExternalShareDetector detector)
    {
        var host = new CmdletScanHost(this, "Reading the current sharing state");
        AwsGrantIndex? grants = null;
        if (GrantLogPath != null)
        {
            grants = new AwsGrantIndex();
            var reader = new ShareLogReader(host, new ShareLogReaderOptions { Providers = new[] { Engine.Model.Provider.Aws }, Categories = new[] { ShareCategory.Snapshot, ShareCategory.Storage } });
            var paths = PathResolver.Resolve(this, GrantLogPath, literal: false);
            foreach (var e in reader.Read(paths, _cancel.Token)) grants.Add(e);
            WriteVerbose($"{grants.Count} recorded grant(s) or revocation(s) to link the current state to.");
        }
        using var session = AwsLiveCommand.Open(this, host, ProfileName, Region);
        try
        {
            if (LookupGrant)
            {
                var looked = AwsLiveCommand.Call(this, () => session.GrantsFromLookupEvents(Category, _cancel.Token));
                grants ??= new AwsGrantIndex();
                foreach (var e in looked.Events) grants.Add(e);
                WriteVerbose($"{grants.Count} recorded grant(s) or revocation(s) to link the current state to, with LookupEvents.");
            }
            foreach (var e in AwsLiveCommand.Guard(this, session.CurrentState(Category, grants, _cancel.Token)))
            {
                var finding = detector.Evaluate(e);
                if (finding != null) WriteObject(finding);
            }
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            // Ctrl+C.
        }
        host.Complete();
    }
}
