using System.Text.Json.Nodes;
using TransferDetect.Engine.Model;
using Xunit;
using static TransferDetect.Engine.Tests.AwsRecords;
using static TransferDetect.Engine.Tests.CloudTrailJson;

namespace TransferDetect.Engine.Tests;

/// <summary>The service events that show a shared snapshot was used: SharedSnapshotCopyInitiated, SharedSnapshotVolumeCreated.</summary>
public class AwsSnapshotUseTests
{
    /// <summary>The AwsServiceEvent shape (as in plaso's test_data/aws_cloudtrail.jsonl): no requestParameters, the user's account in userIdentity.</summary>
    private static JsonObject Used(string eventName, string user, string owner = Owner) => new()
    {
        ["eventVersion"] = "1.08",
        ["userIdentity"] = new JsonObject { ["accountId"] = user, ["invokedBy"] = "ec2.amazonaws.com" },
        ["eventTime"] = "2024-08-02T09:19:07Z",
        ["eventSource"] = "ec2.amazonaws.com",
        ["eventName"] = eventName,
        ["awsRegion"] = "us-east-1",
        ["sourceIPAddress"] = "ec2.amazonaws.com",
        ["userAgent"] = "ec2.amazonaws.com",
        ["requestParameters"] = null,
        ["responseElements"] = null,
        ["eventID"] = "ec783cd8-fad8-41a8-abac-569a78c42e33",
        ["readOnly"] = false,
        ["eventType"] = "AwsServiceEvent",
        ["managementEvent"] = true,
        ["recipientAccountId"] = owner,
        ["sharedEventID"] = "73428522-6ebc-4974-9247-d3e85c9c9629",
        ["serviceEventDetails"] = new JsonObject { ["snapshotId"] = "snap-0a9e1526b9b037a30" },
        ["eventCategory"] = "Management",
    };

    [Theory]
    [InlineData("SharedSnapshotCopyInitiated", "CopySnapshot")]
    [InlineData("SharedSnapshotVolumeCreated", "CreateVolume")]
    public void Use_of_a_shared_snapshot_by_a_foreign_account_is_a_high_finding(string eventName, string permission)
    {
        var f = Finding(Used(eventName, Foreign));
        var e = f.Event;
        Assert.Equal((ShareAction.Use, Foreign, GranteeType.Account, permission), (e.Action, e.Grantee, e.GranteeType, e.Permission));
        Assert.Equal(("EbsSnapshot", "snap-0a9e1526b9b037a30", ShareCategory.Snapshot, Owner), (e.ResourceType, e.ResourceId, e.Category, e.AccountId));
        Assert.Equal(("ec2.amazonaws.com", "ec783cd8-fad8-41a8-abac-569a78c42e33"), (e.Actor, e.EventId));
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal($"EBS snapshot snap-0a9e1526b9b037a30 was used through a share by AWS account {Foreign}, which is outside the trust zone ({eventName}).", f.Reason);
    }

    [Fact]
    public void Use_by_the_owner_or_a_trusted_account_is_no_finding()
    {
        // plaso's sample has the same account in userIdentity and recipientAccountId.
        var events = Events(Used("SharedSnapshotVolumeCreated", Owner), Used("SharedSnapshotCopyInitiated", Trusted));
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Null(Judge(e)));
    }

    [Fact]
    public void LookupEvents_element_of_the_service_event_is_read()
    {
        string inner = Used("SharedSnapshotVolumeCreated", Foreign).ToJsonString();
        string text = $$$"""
            {"Events":[{"EventId":"ec783cd8-fad8-41a8-abac-569a78c42e33","EventName":"SharedSnapshotVolumeCreated","ReadOnly":"false",
              "EventTime":"2024-08-02 09:19:07+00:00","EventSource":"ec2.amazonaws.com","Resources":[],"CloudTrailEvent":{{{System.Text.Json.JsonSerializer.Serialize(inner)}}}}]}
            """;
        var (events, host, _) = Read(text);
        Assert.Equal((ShareAction.Use, Foreign), (Assert.Single(events).Action, events[0].Grantee));
        Assert.Empty(host.Issues);
    }

    [Fact]
    public void Service_event_without_the_user_account_is_an_incomplete_record()
    {
        var record = Used("SharedSnapshotCopyInitiated", Foreign);
        record["userIdentity"] = new JsonObject { ["invokedBy"] = "ec2.amazonaws.com" };
        var (events, host, _) = Read(Lines(Background(), record));
        Assert.Empty(events);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(2, issue.Line);
        Assert.Contains("has no userIdentity.accountId", issue.Message);
    }
}
