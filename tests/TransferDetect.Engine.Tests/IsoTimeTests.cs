using System;
using System.Globalization;
using System.Text;
using TransferDetect.Engine.Sources;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>The ISO times every provider writes, read without the general parser: the same time as the general parser gives.</summary>
public class IsoTimeTests
{
    private static DateTime? General(string text) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? DateTime.SpecifyKind(t, DateTimeKind.Utc)
            : null;

    [Theory]
    [InlineData("2026-11-01T00:00:00Z")]
    [InlineData("2026-11-01T23:59:59.1234567Z")]
    [InlineData("2026-11-01T12:30:00.5")]
    [InlineData("2024-02-29T01:02:03.000Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    public void The_forms_the_providers_write_are_read_without_the_general_parser(string text)
    {
        Assert.True(ShareTimes.TryParseIsoUtc(text, out var t));
        Assert.Equal(DateTimeKind.Utc, t.Kind);
        Assert.Equal(General(text), t);
    }

    [Theory]
    [InlineData("2026-11-01T00:00:00+02:00")]
    [InlineData("2026-11-01T00:00:00.12345678Z")]
    [InlineData("2026-11-01T00:00:00.Z")]
    [InlineData("2026-11-01 00:00:00Z")]
    [InlineData("2026-11-01T00:00:00z")]
    [InlineData(" 2026-11-01T00:00:00Z")]
    [InlineData("2026-11-01T00:00:00Z ")]
    [InlineData("2023-02-29T00:00:00Z")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-11-01T24:00:00Z")]
    [InlineData("2026-11-01T23:60:00Z")]
    [InlineData("2026-11-01T23:59:60Z")]
    [InlineData("0000-11-01T00:00:00Z")]
    [InlineData("2026-11-01")]
    [InlineData("11/24/2026, 10:00:00 AM")]
    public void Other_forms_are_left_to_the_general_parser_whose_answer_stands(string text)
    {
        Assert.False(ShareTimes.TryParseIsoUtc(text, out _));
        Assert.Equal(General(text), ShareTimes.Parse(text));
    }

    [Fact]
    public void Random_iso_like_texts_read_the_same_either_way()
    {
        // 30,000 texts: the provider form with each part drawn in and out of range, 0 to 9 fraction digits, Z or z
        // or an offset or nothing, and now and then a byte changed to another digit, a space or a letter.
        var random = new Random(1537);
        int fast = 0, slow = 0;
        for (int r = 0; r < 30_000; r++)
        {
            var text = new StringBuilder();
            text.Append(random.Next(0, 10_000).ToString("D4", CultureInfo.InvariantCulture)).Append('-')
                .Append(random.Next(0, 14).ToString("D2", CultureInfo.InvariantCulture)).Append('-')
                .Append(random.Next(0, 33).ToString("D2", CultureInfo.InvariantCulture)).Append('T')
                .Append(random.Next(0, 26).ToString("D2", CultureInfo.InvariantCulture)).Append(':')
                .Append(random.Next(0, 62).ToString("D2", CultureInfo.InvariantCulture)).Append(':')
                .Append(random.Next(0, 62).ToString("D2", CultureInfo.InvariantCulture));
            int digits = random.Next(-2, 10);
            if (digits >= 0) text.Append('.');
            for (int d = 0; d < digits; d++) text.Append((char)('0' + random.Next(10)));
            text.Append(random.Next(5) switch { 0 => "Z", 1 => "z", 2 => "+01:30", 3 => "", _ => "Z" });
            if (random.Next(6) == 0) text[random.Next(text.Length)] = " 7aZ-"[random.Next(5)];
            string s = text.ToString();
            var expected = General(s);
            Assert.True(expected == ShareTimes.Parse(s), s);
            if (ShareTimes.TryParseIsoUtc(s, out var t))
            {
                Assert.Equal(expected, t);
                fast++;
            }
            else
            {
                slow++;
            }
        }
        Assert.True(fast > 5000 && slow > 5000, $"{fast} read by the fast path, {slow} by the general parser");
    }
}
