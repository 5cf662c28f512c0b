using System;
using System.Linq;
using System.Text;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Sources.Azure;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>The claims' case-insensitive search for catalogue fragments, against a plain reference.</summary>
public class ClaimTextCaseTests
{
    /// <summary>Each place compared byte by byte, A-Z folded to a-z and nothing else.</summary>
    private static bool Reference(byte[] text, byte[][] needles) =>
        needles.Any(n => Enumerable.Range(0, Math.Max(0, text.Length - n.Length + 1)).Any(at =>
            Enumerable.Range(0, n.Length).All(j => (text[at + j] >= 'A' && text[at + j] <= 'Z' ? text[at + j] + 32 : text[at + j]) == n[j])));

    [Fact]
    public void Any_fragment_in_any_ascii_case_is_found_and_near_misses_are_not()
    {
        // Texts of 0 to 299 bytes, of letters, '/', '[' and '{' (the bytes next to
        // 'Z' and 'z'), '@' and '`' (next to 'A' and 'a') and non-ASCII bytes, half with a fragment planted in random case.
        var random = new Random(1537);
        var alphabet = Encoding.ASCII.GetBytes("abcdeiklorstwgyABCDEIKLORSTWGY/[{@`").Concat(new byte[] { 0xC3, 0xA9, 0xE2 }).ToArray();
        var needles = AzureOperations.Needles;
        int found = 0, checkedTexts = 0;
        for (int r = 0; r < 6000; r++)
        {
            var text = Enumerable.Range(0, random.Next(300)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray();
            if (random.Next(2) == 0)
            {
                var needle = needles[random.Next(needles.Length)];
                if (needle.Length <= text.Length)
                {
                    int at = random.Next(text.Length - needle.Length + 1);
                    for (int j = 0; j < needle.Length; j++)
                    {
                        byte c = needle[j];
                        text[at + j] = c >= 'a' && c <= 'z' && random.Next(2) == 0 ? (byte)(c - 32) : c;
                    }
                }
            }
            // A near miss: one byte of a fragment moved off by one in the table (a '[' for a 'Z', a '`' for an 'a').
            if (random.Next(4) == 0 && text.Length > 0) text[random.Next(text.Length)] = (byte)"[`{@"[random.Next(4)];
            bool expected = Reference(text, needles);
            Assert.True(expected == needles.Any(n => ClaimText.ContainsIgnoringCase(text, n)), Encoding.Latin1.GetString(text));
            checkedTexts++;
            if (expected) found++;
        }
        Assert.True(found > 1000 && found < checkedTexts - 1000, $"{found} of {checkedTexts}");
    }

    [Theory]
    [InlineData("MICROSOFT.COMPUTE/DISKS/BEGINGETACCESS/ACTION", true)]
    [InlineData("Microsoft.Storage/storageAccounts/listKeys/action", true)]
    [InlineData("Microsoft.Compute/virtualMachines/write", false)]
    [InlineData("MICROSOFT.COMPUTE/DISKS/BEGINGETACCES", false)]
    [InlineData("", false)]
    public void An_operation_name_holds_a_fragment_in_any_case(string name, bool expected)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        Assert.Equal(expected, AzureOperations.Needles.Any(n => ClaimText.ContainsIgnoringCase(bytes, n)));
    }

    [Theory]
    [InlineData("xZy", "zy", true)]
    [InlineData("xAy", "ay", true)]
    [InlineData("x[y", "{y", false)]
    [InlineData("x@y", "`y", false)]
    [InlineData("x\u00c9y", "\u00e9y", false)]
    public void Only_a_to_z_are_folded(string text, string needle, bool expected)
    {
        var needles = new[] { Encoding.UTF8.GetBytes(needle) };
        Assert.Equal(expected, ClaimText.ContainsIgnoringCase(Encoding.UTF8.GetBytes(text), needles[0]));
    }

    [Fact]
    public void The_first_of_two_bytes_is_found_where_the_runtime_finds_it()
    {
        // Texts of 0 to 199 bytes (one vector block, several, and a last block that overlaps the one before) from an
        // alphabet where the two bytes are rare, common or absent, and the same byte twice.
        var random = new Random(1538);
        int hits = 0, misses = 0;
        for (int r = 0; r < 20000; r++)
        {
            var alphabet = Enumerable.Range(0, 1 + random.Next(12)).Select(_ => (byte)random.Next(256)).ToArray();
            var text = Enumerable.Range(0, random.Next(200)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray();
            byte a = random.Next(3) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            byte b = random.Next(4) == 0 ? a : (byte)random.Next(256);
            int expected = text.AsSpan().IndexOfAny(a, b);
            Assert.Equal(expected, ClaimText.IndexOfEither(text, a, b));
            if (expected >= 0) hits++;
            else misses++;
        }
        Assert.True(hits > 5000 && misses > 2000, $"{hits} found, {misses} not");
    }
}
