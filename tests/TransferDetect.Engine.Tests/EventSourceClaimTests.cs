using System;
using System.Text;
using TransferDetect.Engine.Sources.Aws;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>
/// The CloudTrail claim's test for an event source, read first from the member just before the eventName key:
/// whatever that member looks like, the answer is that of a search of the whole record.
/// </summary>
public class EventSourceClaimTests
{
    private static bool Anywhere(byte[] json) => json.AsSpan().IndexOf("ventSource\""u8) >= 0;

    private static int KeyOf(byte[] json) => json.AsSpan().IndexOf("\"eventName\""u8);

    [Theory]
    [InlineData("""{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances"}""", true)]
    [InlineData("""{"eventSource":"","eventName":"DescribeInstances"}""", true)]
    [InlineData("""{"EventSource":"ec2.amazonaws.com","eventName":"DescribeInstances"}""", true)]
    [InlineData("""{"eventSource":"ec2.\"amazonaws\".com","eventName":"DescribeInstances"}""", false)]
    [InlineData("""{"eventSource" :"ec2.amazonaws.com","eventName":"DescribeInstances"}""", false)]
    [InlineData("""{"eventSource":"ec2.amazonaws.com" ,"eventName":"DescribeInstances"}""", false)]
    [InlineData("""{"xventSource":"ec2.amazonaws.com","eventName":"DescribeInstances"}""", true)]
    [InlineData("""{"eventSourceX":"ec2.amazonaws.com","eventName":"DescribeInstances"}""", false)]
    [InlineData("""{"awsRegion":"us-east-1","eventName":"DescribeInstances"}""", false)]
    [InlineData("""{"a":":ventSource\":\"","eventName":"DescribeInstances"}""", false)]
    [InlineData("""ventSource":"x","eventName":"DescribeInstances"}""", true)]
    [InlineData("""entSource":"x","eventName":"DescribeInstances"}""", false)]
    [InlineData("""{"xventSource","x","eventName":"DescribeInstances"}""", false)]
    [InlineData("""{"eventName":"DescribeInstances"}""", false)]
    public void The_member_before_the_key_counts_only_when_it_ends_in_the_searched_bytes_a_colon_and_a_plain_string(string text, bool expected)
    {
        var json = Encoding.UTF8.GetBytes(text);
        Assert.Equal(expected, CloudTrailInterpreter.EventSourceJustBefore(json, KeyOf(json)));
    }

    [Theory]
    [InlineData("""{"eventSource":"ec2.\"amazonaws\".com","eventName":"DescribeInstances"}""")]
    [InlineData("""{"eventSource" :"ec2.amazonaws.com","eventName":"DescribeInstances"}""")]
    [InlineData("""{"a":":ventSource\":\"","eventName":"DescribeInstances"}""")]
    [InlineData("""{"awsRegion":"us-east-1","eventName":"DescribeInstances","eventSource":"ec2.amazonaws.com"}""")]
    [InlineData("""{"xventSource","x","eventName":"DescribeInstances"}""")]
    [InlineData("""{"awsRegion":"us-east-1","eventName":"DescribeInstances"}""")]
    public void Where_the_member_before_is_not_read_the_record_is_still_searched(string text)
    {
        var json = Encoding.UTF8.GetBytes(text);
        Assert.Equal(Anywhere(json), CloudTrailInterpreter.HasEventSource(json, KeyOf(json)));
    }

    [Fact]
    public void Every_cut_and_every_changed_byte_of_the_pair_gives_the_answer_of_a_whole_search()
    {
        // The pair as CloudTrail writes it, then each byte before the key changed to each byte that matters to the
        // reading (quote, colon, comma, backslash, a letter) and every prefix cut away: 2,000 and more records.
        const string pair = "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\"}";
        int key = pair.IndexOf("\"eventName\"", StringComparison.Ordinal);
        int checkedRecords = 0, withSource = 0;
        foreach (byte change in "\":,\\ev "u8.ToArray())
        {
            for (int at = 0; at < key; at++)
            {
                var json = Encoding.UTF8.GetBytes(pair);
                json[at] = change;
                for (int cut = 0; cut < key; cut++)
                {
                    var record = json.AsSpan(cut).ToArray();
                    bool expected = Anywhere(record);
                    Assert.True(expected == CloudTrailInterpreter.HasEventSource(record, key - cut), $"{Encoding.UTF8.GetString(record)}: expected {expected}");
                    checkedRecords++;
                    if (expected) withSource++;
                }
            }
        }
        Assert.True(checkedRecords > 2000);
        Assert.True(withSource > 0 && withSource < checkedRecords);
    }
}
