using System.Text;
using TransferDetect.Engine.IO;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>The claims' own search must find exactly what <c>span.IndexOf</c> finds, wherever the needle sits.</summary>
public class ByteSearchTests
{
    [Theory]
    [InlineData("ventName\"")]
    [InlineData("ventSource\"")]
    [InlineData("ab")]
    [InlineData("aaa")]
    public void IndexOf_finds_what_span_IndexOf_finds_on_random_text_of_every_length_around_the_vector_width(string needleText)
    {
        var needle = Encoding.ASCII.GetBytes(needleText);
        var random = new Random(1537);
        // A small alphabet made of the needle's own bytes, so that near misses (first and last byte right, middle wrong) abound.
        var alphabet = needle.Concat(Encoding.ASCII.GetBytes("\"ev")).Distinct().ToArray();
        int found = 0;
        for (int length = 0; length < 200; length++)
        {
            for (int trial = 0; trial < 40; trial++)
            {
                var hay = new byte[length];
                for (int i = 0; i < length; i++) hay[i] = alphabet[random.Next(alphabet.Length)];
                if (length >= needle.Length && random.Next(3) == 0)
                {
                    // Plant it somewhere, often at the very end (the last, overlapping block).
                    int at = random.Next(2) == 0 ? length - needle.Length : random.Next(length - needle.Length + 1);
                    needle.CopyTo(hay, at);
                }
                int expected = hay.AsSpan().IndexOf(needle);
                Assert.Equal(expected, ByteSearch.IndexOf(hay, needle));
                if (expected >= 0) found++;
            }
        }
        Assert.True(found > 1000, $"only {found} haystacks held the needle");
    }

    [Fact]
    public void IndexOf_returns_the_first_of_several_and_minus_one_when_absent()
    {
        var hay = Encoding.ASCII.GetBytes(new string('x', 40) + "{\"eventName\":\"A\"," + new string('y', 50) + "\"eventName\":\"B\"}");
        Assert.Equal(43, ByteSearch.IndexOf(hay, "ventName\""u8));
        Assert.Equal(-1, ByteSearch.IndexOf(hay, "ventSource\""u8));
        Assert.Equal(-1, ByteSearch.IndexOf(hay.AsSpan(0, 51), "ventName\""u8)); // cut one byte short of the quote
    }

    [Fact]
    public void Same_compares_bytes_and_lengths()
    {
        Assert.True(ByteSearch.Same("ModifyImageAttribute"u8, "ModifyImageAttribute"u8));
        Assert.False(ByteSearch.Same("ModifyImageAttribute"u8, "ModifyImageAttributf"u8));
        Assert.False(ByteSearch.Same("ModifyImage"u8, "ModifyImageAttribute"u8));
        Assert.True(ByteSearch.Same(ReadOnlySpan<byte>.Empty, ReadOnlySpan<byte>.Empty));
    }
}
