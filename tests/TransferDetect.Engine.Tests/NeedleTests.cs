using System.Text;
using TransferDetect.Engine.IO;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>The claims' search must find exactly what <c>span.IndexOf</c> finds, wherever the needle and its rare bytes sit.</summary>
public class NeedleTests
{
    [Theory]
    [InlineData("ventName\"")]
    [InlineData("ventSource\"")]
    [InlineData("\"operationName\"")]
    [InlineData("\\\"Operations\\\"")]
    [InlineData("\\u")]
    [InlineData("ab")]
    [InlineData("aaa")]
    [InlineData("xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaay")]
    public void IndexOf_finds_what_span_IndexOf_finds_on_random_text_of_every_length_around_the_vector_width(string needleText)
    {
        var bytes = Encoding.ASCII.GetBytes(needleText);
        var needle = new Needle(bytes);
        var random = new Random(1537);
        // A small alphabet made of the needle's own bytes, so that near misses (the two rare bytes right, another wrong) abound.
        var alphabet = bytes.Concat(Encoding.ASCII.GetBytes("\"ev")).Distinct().ToArray();
        int found = 0;
        for (int length = 0; length < 200; length++)
        {
            for (int trial = 0; trial < 40; trial++)
            {
                var hay = new byte[length];
                for (int i = 0; i < length; i++) hay[i] = alphabet[random.Next(alphabet.Length)];
                if (length >= bytes.Length && random.Next(3) == 0)
                {
                    // Plant it somewhere, often at the very end (the last, overlapping block).
                    int at = random.Next(2) == 0 ? length - bytes.Length : random.Next(length - bytes.Length + 1);
                    bytes.CopyTo(hay, at);
                }
                int expected = hay.AsSpan().IndexOf(bytes);
                Assert.Equal(expected, needle.IndexOf(hay));
                Assert.Equal(expected >= 0, needle.In(hay));
                if (expected >= 0) found++;
            }
        }
        Assert.True(found > 1000, $"only {found} haystacks held the needle");
    }

    [Fact]
    public void A_near_miss_on_any_one_byte_is_not_found_even_where_both_rare_bytes_match()
    {
        var bytes = "\"OperationNameValue\""u8.ToArray();
        var needle = new Needle(bytes);
        for (int wrong = 0; wrong < bytes.Length; wrong++)
        {
            var miss = (byte[])bytes.Clone();
            miss[wrong] = (byte)'#';
            for (int at = 0; at < 70; at++)
            {
                var hay = new byte[at + miss.Length + 40];
                hay.AsSpan().Fill((byte)'.');
                miss.CopyTo(hay, at);
                Assert.Equal(-1, needle.IndexOf(hay));
                bytes.CopyTo(hay, hay.Length - bytes.Length);
                Assert.Equal(hay.Length - bytes.Length, needle.IndexOf(hay));
            }
        }
    }

    [Fact]
    public void IndexOf_returns_the_first_of_several_and_minus_one_when_absent()
    {
        var hay = Encoding.ASCII.GetBytes(new string('x', 40) + "{\"eventName\":\"A\"," + new string('y', 50) + "\"eventName\":\"B\"}");
        var eventName = new Needle("ventName\""u8);
        Assert.Equal(43, eventName.IndexOf(hay));
        Assert.Equal(-1, new Needle("ventSource\""u8).IndexOf(hay));
        Assert.Equal(-1, eventName.IndexOf(hay.AsSpan(0, 51))); // cut one byte short of the quote
    }

    [Theory]
    [InlineData("ventName\"", 'N', 'v')]         // not the quote and the 'v' of the first/last-byte search, which meet in eventTime", eventType"
    [InlineData("\"operationName\"", 'N', 'p')]
    [InlineData("\\u", '\\', 'u')]
    [InlineData("\"protoPayload\"", 'P', 'y')]
    public void The_two_bytes_searched_first_are_the_rarest_of_the_needle(string needleText, char rarest, char next)
    {
        var needle = new Needle(Encoding.ASCII.GetBytes(needleText));
        Assert.Equal((byte)rarest, needle.Bytes[needle.First]);
        Assert.Equal((byte)next, needle.Bytes[needle.Second]);
        Assert.NotEqual(needle.First, needle.Second);
    }

    [Fact]
    public void A_needle_of_one_repeated_byte_searches_two_offsets_and_a_second_value_is_preferred_to_a_repeat()
    {
        var same = new Needle("aaa"u8);
        Assert.NotEqual(same.First, same.Second);
        // "NN" + common letters: the second N is rarer than any 'e', but it finds the same places again.
        var repeat = new Needle("NeNe"u8);
        Assert.Equal((byte)'N', repeat.Bytes[repeat.First]);
        Assert.Equal((byte)'e', repeat.Bytes[repeat.Second]);
    }

    [Fact]
    public void A_needle_is_two_bytes_or_more()
    {
        Assert.Throws<ArgumentException>(() => new Needle("a"u8));
        Assert.Throws<ArgumentException>(() => new Needle(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void The_rank_table_orders_every_byte_once_with_a_quote_commoner_than_a_capital_N()
    {
        var ranks = Needle.Ranks.ToArray();
        Assert.Equal(256, ranks.Length);
        Assert.Equal(Enumerable.Range(0, 256), ranks.Select(r => (int)r).OrderBy(r => r));
        Assert.True(ranks['"'] > ranks['N']);
        Assert.True(ranks['e'] > ranks['v']);
        Assert.True(ranks[0x80] < ranks['Q']); // non-ASCII never occurred in the data: rarest
    }

    [Fact]
    public void The_rank_table_is_the_one_the_shared_public_records_give()
    {
        RepoPaths.RequireSharedData();
        var computed = Needle.RanksOf(RepoPaths.SharedData);
        Assert.True(computed.AsSpan().SequenceEqual(Needle.Ranks),
            "Needle.Ranks is not the table of ../shared/data/real: print it again with `bench byte-ranks ../shared/data/real`.");
    }

    [Fact]
    public void Same_compares_bytes_and_lengths()
    {
        Assert.True(Needle.Same("ModifyImageAttribute"u8, "ModifyImageAttribute"u8));
        Assert.False(Needle.Same("ModifyImageAttribute"u8, "ModifyImageAttributf"u8));
        Assert.False(Needle.Same("ModifyImage"u8, "ModifyImageAttribute"u8));
        Assert.True(Needle.Same(ReadOnlySpan<byte>.Empty, ReadOnlySpan<byte>.Empty));
    }
}
