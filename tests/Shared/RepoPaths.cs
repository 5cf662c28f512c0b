using System;
using System.IO;
using Xunit;

namespace TransferDetect.Tests;

/// <summary>Where the repository, the built module and ../shared are, from a test's point of view.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The public log records of ../shared/data/real (not part of the repository).</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", "real"));

    public static string Stratus => Path.Combine(SharedData, "stratus-red-team", "docs", "detonation-logs");

    public static string ModuleManifest => Path.Combine(Root, "out", "TransferDetect", "TransferDetect.psd1");

    /// <summary>
    /// Skips a test that reads ../shared when it is absent (a clone made elsewhere). In CI, where
    /// shared/ is always beside the clone, its absence fails the test instead of hiding it.
    /// </summary>
    public static void RequireSharedData()
    {
        if (Directory.Exists(SharedData)) return;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"CI must have ../shared beside the clone, but {SharedData} is missing.");
        }
        Assert.Skip($"{SharedData} is not present (a clone made elsewhere); these tests need the public log records there.");
    }

    /// <summary>The bytes gzip-compressed, as CloudTrail delivers its files.</summary>
    public static byte[] Gzip(byte[] data)
    {
        var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data, 0, data.Length);
        return ms.ToArray();
    }

    public static string NewTempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "transferdetect-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cmdlets.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Cmdlets.sln was not found above " + AppContext.BaseDirectory);
    }
}
