using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources;

/// <summary>
/// Expands the paths a user gave into the files to read. A file is always read; a folder is walked
/// in a stable order, reading log-like files (.json, .gz, .jsonl, .ndjson, .csv) and skipping
/// CloudTrail-Digest folders, links to folders (no loops), and, with a time window, the dated
/// folders of a CloudTrail tree (AWSLogs/.../CloudTrail/region/yyyy/mm/dd) that cannot hold it.
/// </summary>
public static class InputFiles
{
    private static readonly string[] LogExtensions = { ".json", ".gz", ".jsonl", ".ndjson", ".csv" };

    /// <param name="regions">When set, the region folders of a CloudTrail tree (CloudTrail/&lt;region&gt;) not in it are not opened.</param>
    public static IEnumerable<string> Expand(IEnumerable<string> paths, TimeWindow window, ISet<string>? regions, ScanStatistics stats, IScanHost host, CancellationToken cancellationToken)
    {
        foreach (var path in paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (IsInDigestFolder(path))
            {
                // Named directly (a wildcard, Get-ChildItem -Recurse): digests are not event records either.
                if (File.Exists(path)) stats.FilesSkippedByName++;
                host.Verbose($"Skipped {path}: it is in a CloudTrail-Digest folder (digests are not event records; Test-CloudTrailLogIntegrity checks them).");
                continue;
            }
            if (File.Exists(path))
            {
                yield return path;
            }
            else if (Directory.Exists(path))
            {
                foreach (var f in Walk(path, window, regions, stats, host, cancellationToken)) yield return f;
            }
            else
            {
                stats.Issues++;
                stats.FilesWithIssues++;
                host.ReportIssue(new ReadIssue(ReadIssueKind.FileUnreadable, path, "no such file or folder"));
            }
        }
    }

    /// <summary>Is the path a CloudTrail-Digest folder or inside one?</summary>
    public static bool IsInDigestFolder(string path)
    {
        string[] segments = path.Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
        int last = File.Exists(path) ? segments.Length - 1 : segments.Length; // a file's own name does not count
        for (int i = 0; i < last; i++)
        {
            if (string.Equals(segments[i], "CloudTrail-Digest", StringComparison.Ordinal)) return true;
        }
        return false;
    }

    public static bool IsLogFileName(string path)
    {
        foreach (var ext in LogExtensions)
        {
            if (path.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private static IEnumerable<string> Walk(string root, TimeWindow window, ISet<string>? regions, ScanStatistics stats, IScanHost host, CancellationToken cancellationToken)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string dir = pending.Pop();
            string[] files, dirs;
            try
            {
                files = Directory.GetFiles(dir);
                dirs = Directory.GetDirectories(dir);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                stats.Issues++;
                stats.FilesWithIssues++;
                host.ReportIssue(new ReadIssue(ReadIssueKind.FileUnreadable, dir, "the folder cannot be listed: " + e.Message));
                continue;
            }
            Array.Sort(files, StringComparer.Ordinal);
            Array.Sort(dirs, StringComparer.Ordinal);
            foreach (var f in files)
            {
                if (IsLogFileName(f)) yield return f;
                else stats.FilesSkippedByName++;
            }
            for (int i = dirs.Length - 1; i >= 0; i--)
            {
                string d = dirs[i];
                string name = Path.GetFileName(d);
                if (string.Equals(name, "CloudTrail-Digest", StringComparison.Ordinal))
                {
                    host.Verbose($"Skipped the digest folder {d} (digests are not event records).");
                    continue;
                }
                if ((File.GetAttributes(d) & FileAttributes.ReparsePoint) != 0)
                {
                    stats.LinksNotFollowed++;
                    host.Verbose($"Did not follow the link {d} (links to folders can loop).");
                    continue;
                }
                if (regions != null && string.Equals(Path.GetFileName(Path.GetDirectoryName(d)), "CloudTrail", StringComparison.Ordinal) && !regions.Contains(name))
                {
                    stats.DirectoriesPrunedByRegion++;
                    continue;
                }
                if (!window.IsUnbounded && TryGetDeliveryDays(d, out var first, out var last) && !window.MayContainDeliveryDays(first, last))
                {
                    stats.DirectoriesPrunedByDate++;
                    continue;
                }
                pending.Push(d);
            }
        }
    }

    /// <summary>
    /// For a folder below <c>CloudTrail/&lt;region&gt;/</c>, the UTC days its year, month or day folder covers.
    /// </summary>
    public static bool TryGetDeliveryDays(string directory, out DateTime firstDay, out DateTime lastDay)
    {
        firstDay = lastDay = default;
        string[] segments = directory.Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
        int at = Array.LastIndexOf(segments, "CloudTrail");
        if (at < 0) return false;
        int n = segments.Length - at - 1; // region, yyyy, mm, dd
        if (n < 2 || !TryNumber(segments[at + 2], 4, 1970, 9999, out int year)) return false;
        firstDay = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        lastDay = new DateTime(year, 12, 31, 0, 0, 0, DateTimeKind.Utc);
        if (n >= 3)
        {
            if (!TryNumber(segments[at + 3], 2, 1, 12, out int month)) return false;
            firstDay = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Utc);
            lastDay = firstDay.AddMonths(1).AddDays(-1);
            if (n >= 4)
            {
                if (!TryNumber(segments[at + 4], 2, 1, DateTime.DaysInMonth(year, month), out int day)) return false;
                firstDay = lastDay = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Utc);
            }
        }
        return true;
    }

    private static bool TryNumber(string s, int digits, int min, int max, out int value)
    {
        value = 0;
        return s.Length == digits &&
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value) &&
            value >= min && value <= max;
    }
}
