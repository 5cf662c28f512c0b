using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using Xunit;
using static TransferDetect.Engine.Tests.CloudTrailJson;

namespace TransferDetect.Engine.Tests;

/// <summary>How the reader hands each record to a provider: by its content, or as forced with Providers.</summary>
public class ProviderDispatchTests
{
    private static readonly string AwsShare = Lines(SnapshotShare("add", """{"userId":"999988887777"}"""));

    [Fact]
    public void A_cloudtrail_record_is_read_as_aws_without_being_told()
    {
        var (events, host, _) = Read(AwsShare);
        Assert.Equal(Provider.Aws, Assert.Single(events).Provider);
        Assert.Empty(host.Issues);
    }

    [Fact]
    public void Forcing_another_provider_reports_cloudtrail_records_as_another_shape()
    {
        var (events, host, reader) = Read(AwsShare, new ShareLogReaderOptions { Providers = new[] { Provider.Azure } });
        Assert.Empty(events);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.UnexpectedShape, issue.Kind);
        Assert.Contains("not Azure Activity Log records", issue.Message);
        Assert.Equal(1, reader.Statistics.ForeignRecords);
    }

    [Fact]
    public void A_category_not_asked_for_gives_no_events_and_no_problems()
    {
        var (events, host, _) = Read(AwsShare, new ShareLogReaderOptions { Categories = new[] { ShareCategory.File } });
        Assert.Empty(events);
        Assert.Empty(host.Issues);
    }

    [Fact]
    public void An_operation_outside_the_categories_asked_for_is_refused_with_the_list()
    {
        var e = Assert.Throws<ArgumentException>(() => new ShareLogReader(new CollectingScanHost(),
            new ShareLogReaderOptions { Categories = new[] { ShareCategory.Snapshot }, Operations = new[] { "AnonymousLinkCreated" } }));
        Assert.Contains("'AnonymousLinkCreated' is not an operation this command reads", e.Message);
        Assert.Contains("ModifySnapshotAttribute", e.Message);
    }

    [Theory]
    [InlineData("""{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1"}""", "Skip")]
    [InlineData("""{"eventSource" : "ec2.amazonaws.com" ,  "eventName":"DescribeInstances"}""", "Skip")]
    [InlineData("""{"eventName":"DescribeInstances","awsRegion":"us-east-1","eventSource":"ec2.amazonaws.com"}""", "Skip")]
    [InlineData("""{"EventSource":"ec2.amazonaws.com","EventName":"DescribeInstances","CloudTrailEvent":"{}"}""", "Skip")]
    [InlineData("""{"eventName":"DescribeInstances","awsRegion":"us-east-1"}""", "NotMine")]
    [InlineData("""{"properties":{"eventName":"EndRequest"},"operationName":"Microsoft.Compute/disks/write"}""", "NotMine")]
    [InlineData("""{"eventSource":"ec2.amazonaws.com","eventName":"ModifySnapshotAttribute"}""", "Candidate")]
    public void Cloudtrail_claim_skips_a_record_outside_the_catalogue_only_when_it_names_an_event_source_anywhere(string json, string expected)
    {
        var aws = new Sources.Aws.CloudTrailInterpreter(null, null, null);
        Assert.Equal(expected, aws.Claim(System.Text.Encoding.UTF8.GetBytes(json)).ToString());
    }

    [Fact]
    public void Cloudtrail_claim_finds_the_event_source_far_before_the_event_name()
    {
        // More than the 128 bytes looked at first lie between them: the whole record is searched.
        string padding = new string('x', 600);
        var aws = new Sources.Aws.CloudTrailInterpreter(null, null, null);
        string far = "{\"eventSource\":\"ec2.amazonaws.com\",\"userAgent\":\"" + padding + "\",\"eventName\":\"DescribeInstances\"}";
        Assert.Equal(RecordClaim.Skip, aws.Claim(System.Text.Encoding.UTF8.GetBytes(far)));
        string none = "{\"userAgent\":\"" + padding + "\",\"eventName\":\"DescribeInstances\"}";
        Assert.Equal(RecordClaim.NotMine, aws.Claim(System.Text.Encoding.UTF8.GetBytes(none)));
    }

    [Fact]
    public void Azure_records_with_an_eventName_object_are_not_claimed_as_cloudtrail()
    {
        var azure = """{"eventName":{"value":"EndRequest","localizedValue":"End request"},"operationName":{"value":"Microsoft.Compute/virtualMachines/start/action"},"status":{"value":"Succeeded"},"correlationId":"c","eventTimestamp":"2026-11-02T14:00:00Z","resourceId":"/subscriptions/x"}""";
        var aws = new Sources.Aws.CloudTrailInterpreter(null, null, null);
        Assert.Equal(RecordClaim.NotMine, aws.Claim(System.Text.Encoding.UTF8.GetBytes(azure)));
        var (events, host, _) = Read(azure + "\n");
        Assert.Empty(events);
        Assert.Empty(host.Issues);
    }
}
