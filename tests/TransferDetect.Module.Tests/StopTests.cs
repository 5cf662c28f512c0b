using System.Diagnostics;
using System.Management.Automation;
using System.Text;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Module.Tests;

/// <summary>
/// Ctrl+C: PowerShell.Stop() (what the console does on Ctrl+C) ends a long read promptly. The cmdlet
/// cancels its token in StopProcessing; the engine checks it per buffer fill and per file.
/// </summary>
public class StopTests
{
    private const int SharesEvery = 200;

    private static string Record(int i)
    {
        string id = $"{i:x8}-0000-4000-8000-{i:x12}";
        bool share = i % SharesEvery == 0;
        string name = share ? "ModifySnapshotAttribute" : "DescribeSnapshots";
        string source = "ec2.amazonaws.com";
        string parameters = share
            ? "{\"snapshotId\":\"snap-" + i.ToString("x17") + "\",\"attributeType\":\"CREATE_VOLUME_PERMISSION\",\"createVolumePermission\":{\"add\":{\"items\":[{\"userId\":\"999988887777\"}]}}}"
            : """{"maxResults":1000,"filterSet":{"items":[{"name":"owner-id","valueSet":{"items":[{"value":"111122223333"}]}}]}}""";
        return $$"""{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLEOPSADMIN","arn":"arn:aws:iam::111122223333:user/ops-admin","accountId":"111122223333","accessKeyId":"AKIAEXAMPLEEXAMPLE00","userName":"ops-admin"},"eventTime":"2026-11-02T09:{{i / 60 % 60:00}}:{{i % 60:00}}Z","eventSource":"{{source}}","eventName":"{{name}}","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.amzn.2023","requestParameters":{{parameters}},"responseElements":null,"requestID":"{{id}}","eventID":"{{id}}","readOnly":{{(share ? "false" : "true")}},"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}""";
    }

    /// <summary>Writes CloudTrail files of {"Records":[...]} until about <paramref name="totalBytes"/> are written.</summary>
    private static (int Records, long Bytes) WriteCloudTrail(string dir, int files, long totalBytes)
    {
        int i = 0;
        long written = 0;
        for (int f = 0; f < files; f++)
        {
            string path = Path.Combine(dir, $"111122223333_CloudTrail_us-east-1_20261102T{f:0000}Z_{f:x14}.json");
            using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
            w.Write("{\"Records\":[");
            long fileBytes = 0;
            bool first = true;
            while (fileBytes < totalBytes / files)
            {
                string r = Record(i++);
                if (!first) w.Write(',');
                first = false;
                w.Write(r);
                fileBytes += r.Length + 1;
            }
            w.Write("]}");
            written += fileBytes;
        }
        return (i, written);
    }

    [Theory]
    [InlineData(1, "one 40 MB file")]
    [InlineData(400, "a folder of 400 files")]
    public void Stop_ends_a_long_read_within_one_second(int files, string what)
    {
        string dir = RepoPaths.NewTempDirectory();
        var (records, bytes) = WriteCloudTrail(dir, files, 40L * 1024 * 1024);
        int shares = records / SharesEvery + 1;

        using var s = new PowerShellSession();
        using var ps = s.CreatePowerShell();
        ps.AddCommand("Get-SnapshotShareEvent").AddParameter("LiteralPath", dir);
        // Stop in the middle of the read: as soon as the first share event is out. The wait for it has no
        // tight bound (a cold, loaded CI machine may take seconds to start); the bound is on Stop().
        var output = new PSDataCollection<PSObject>();
        using var started = new ManualResetEventSlim();
        output.DataAdded += (_, _) => started.Set();

        var run = Stopwatch.StartNew();
        var invocation = ps.BeginInvoke<PSObject, PSObject>(null, output);
        Assert.True(started.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), $"No share event was out after {run.ElapsedMilliseconds} ms of reading {what}.");
        Assert.False(invocation.IsCompleted, $"The read of {what} finished in {run.ElapsedMilliseconds} ms, before it could be stopped.");
        long before = output.Count;

        var stopping = Stopwatch.StartNew();
        ps.Stop();
        bool ended = invocation.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(1));
        stopping.Stop();

        Assert.True(ended, $"The read of {what} did not end within 1 s of Stop().");
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(1), $"Stop() took {stopping.ElapsedMilliseconds} ms.");
        Assert.InRange(output.Count, before, shares - 1);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{what}: {bytes / (1024 * 1024)} MB, {records} records; stopped after {run.ElapsedMilliseconds - stopping.ElapsedMilliseconds} ms " +
            $"({output.Count} of {shares} share events out); Stop() returned in {stopping.Elapsed.TotalMilliseconds:F1} ms.");
        Directory.Delete(dir, recursive: true);
    }
}
