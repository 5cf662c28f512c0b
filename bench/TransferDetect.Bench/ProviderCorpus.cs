using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Sources;

namespace TransferDetect.Bench;

/// <summary>
/// Corpora of the other providers' exports, written the way they reach a responder (Azure
/// diagnostic-setting blobs as JSON lines, a Purview audit search as CSV, GCP Cloud Logging as JSON
/// lines; gzip so the decompression limit is comparable with CloudTrail's), and their scan measured
/// side by side with decompression, in one process.
/// </summary>
internal static class ProviderCorpus
{
    private static readonly string[] AzureBackground =
    {
        "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", "MICROSOFT.RESOURCES/DEPLOYMENTS/WRITE", "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/WRITE",
        "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE", "MICROSOFT.COMPUTE/VIRTUALMACHINES/START/ACTION", "MICROSOFT.KEYVAULT/VAULTS/WRITE",
        "MICROSOFT.WEB/SITES/RESTART/ACTION", "MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/WRITE", "MICROSOFT.COMPUTE/DISKS/WRITE", "MICROSOFT.STORAGE/STORAGEACCOUNTS/WRITE",
    };

    private static readonly string[] M365Background =
    {
        "FileAccessed", "FileModified", "FilePreviewed", "UserLoggedIn", "MailItemsAccessed", "FileUploaded", "PageViewed", "FileDownloaded", "Send", "FileSyncDownloadedFull",
    };

    private static readonly string[] GcpBackground =
    {
        "v1.compute.instances.insert", "v1.compute.instances.start", "storage.buckets.create", "google.iam.admin.v1.CreateServiceAccountKey",
        "v1.compute.firewalls.patch", "io.k8s.core.v1.pods.create", "beta.compute.disks.createSnapshot", "google.cloud.sql.v1.SqlInstancesService.Update",
    };

    public static int Run(string dir, long bytesPerProvider, int shareEvery = 5000, int rounds = 5)
    {
        Directory.CreateDirectory(dir);
        var rows = new List<string>();
        // (b) first: the reader's first round in this process, the scan a runbook makes; the runtime is still optimizing the
        // readers for several rounds (bench/README.md, "The first scan"), so the best of the rounds is the steadier figure.
        Console.WriteLine($"{"provider",-10}{"files",6}{"MB",9}{"records",12}{"shares",8}{"(a) MB/s",10}{"(b) first",10}{"(b) MB/s",10}{"records/s",12}{"(b)/(a)",9}");
        foreach (var (name, write) in new (string, Func<Random, int, StringBuilder, bool, int>)[] { ("Azure", Azure), ("M365", M365), ("Gcp", Gcp) })
        {
            string folder = Path.Combine(dir, name);
            var (files, shares) = Write(folder, name, write, bytesPerProvider, shareEvery);
            var paths = Directory.GetFiles(folder);
            double best = double.MaxValue, bestScan = double.MaxValue, firstScan = 0;
            long inflated = 0, records = 0, found = 0, problems = 0;
            for (int round = 0; round < rounds; round++)
            {
                var sw = Stopwatch.StartNew();
                long total = Inflate.All(paths);
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
                inflated = total;

                sw.Restart();
                var host = new CollectingScanHost();
                var reader = new ShareLogReader(host);
                var detector = new ExternalShareDetector(TrustZone.Empty);
                long f2 = 0;
                foreach (var e in reader.Read(new[] { folder }))
                {
                    if (detector.Evaluate(e) != null) f2++;
                }
                bestScan = Math.Min(bestScan, sw.Elapsed.TotalSeconds);
                if (round == 0) firstScan = sw.Elapsed.TotalSeconds;
                records = reader.Statistics.Records;
                found = f2;
                problems = host.Issues.Count;
            }
            double mb = inflated / 1e6;
            Console.WriteLine($"{name,-10}{files,6}{mb,9:N1}{records,12:N0}{found,8}{mb / best,10:N0}{mb / firstScan,10:N0}{mb / bestScan,10:N0}{records / bestScan,12:N0}{best / bestScan,9:N2}");
            if (problems > 0 || found == 0 || found != shares)
            {
                Console.Error.WriteLine($"bench: {name}: {problems} problem(s), {found} finding(s) for {shares} share record(s) written");
                return 1;
            }
        }
        return 0;
    }

    private static (int Files, int Shares) Write(string folder, string name, Func<Random, int, StringBuilder, bool, int> write, long bytes, int shareEvery)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(1537);
        long written = 0;
        int file = 0, shares = 0, record = 0;
        var text = new StringBuilder();
        while (written < bytes)
        {
            text.Clear();
            if (name == "M365") text.Append("CreationDate,UserIds,Operations,AuditData\r\n");
            while (text.Length < (4 << 20))
            {
                record++;
                shares += write(random, record, text, record % shareEvery == 0);
            }
            var utf8 = Encoding.UTF8.GetBytes(text.ToString());
            string path = Path.Combine(folder, $"{name.ToLowerInvariant()}-{file++:D4}{(name == "M365" ? ".csv" : ".json")}.gz");
            using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            {
                gz.Write(utf8, 0, utf8.Length);
            }
            written += utf8.Length;
        }
        return (file, shares);
    }

    private static string Guid(Random r) => new System.Guid(Enumerable.Range(0, 16).Select(_ => (byte)r.Next(256)).ToArray()).ToString();

    private static string Time(int record) => new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(record).ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ");

    private static int Azure(Random r, int record, StringBuilder text, bool share)
    {
        string op = share ? "MICROSOFT.COMPUTE/SNAPSHOTS/BEGINGETACCESS/ACTION" : AzureBackground[r.Next(AzureBackground.Length)];
        string sub = "d5b7e1c2-3f4a-4b6c-9d8e-0f1a2b3c4d5e";
        string kind = op.Split('/')[1].ToLowerInvariant();
        string resource = $"/SUBSCRIPTIONS/{sub.ToUpperInvariant()}/RESOURCEGROUPS/RG-{r.Next(40)}/PROVIDERS/{op.Split('/')[0]}/{kind.ToUpperInvariant()}/RES-{r.Next(5000)}";
        text.Append(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["time"] = Time(record),
            ["resourceId"] = resource,
            ["operationName"] = op,
            ["category"] = "Administrative",
            ["resultType"] = "Success",
            ["resultSignature"] = "Succeeded.",
            ["durationMs"] = r.Next(20, 3000).ToString(),
            ["callerIpAddress"] = $"198.51.{r.Next(256)}.{r.Next(256)}",
            ["correlationId"] = Guid(r),
            ["identity"] = new Dictionary<string, object>
            {
                ["authorization"] = new Dictionary<string, object> { ["scope"] = resource, ["action"] = op, ["evidence"] = new Dictionary<string, string> { ["role"] = "Contributor", ["roleAssignmentScope"] = "/subscriptions/" + sub, ["principalType"] = "User" } },
                ["claims"] = new Dictionary<string, string> { ["http://schemas.microsoft.com/identity/claims/tenantid"] = "72f988bf-0000-4e2a-9c1d-2b3c4d5e6f70", ["appid"] = Guid(r), ["ipaddr"] = "198.51.100.23", ["name"] = "user" + r.Next(300) + "@contoso.com" },
            },
            ["level"] = "Information",
            ["location"] = "global",
            ["properties"] = new Dictionary<string, object> { ["statusCode"] = "OK", ["serviceRequestId"] = Guid(r), ["eventCategory"] = "Administrative", ["entity"] = resource, ["message"] = op, ["hierarchy"] = "72f988bf-0000-4e2a-9c1d-2b3c4d5e6f70/" + sub },
        })).Append('\n');
        return share ? 1 : 0;
    }

    private static int M365(Random r, int record, StringBuilder text, bool share)
    {
        string op = share ? "AnonymousLinkCreated" : M365Background[r.Next(M365Background.Length)];
        string user = "user" + r.Next(300) + "@contoso.com";
        string file = $"https://contoso-my.sharepoint.com/personal/user{r.Next(300)}_contoso_com/Documents/report-{r.Next(100000)}.xlsx";
        var audit = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["CreationTime"] = Time(record).Substring(0, 19),
            ["Id"] = Guid(r),
            ["Operation"] = op,
            ["OrganizationId"] = "72f988bf-0000-4e2a-9c1d-2b3c4d5e6f70",
            ["RecordType"] = 6,
            ["UserKey"] = "i:0h.f|membership|1003" + r.Next(100000) + "@live.com",
            ["UserType"] = 0,
            ["Version"] = 1,
            ["Workload"] = "OneDrive",
            ["ClientIP"] = $"198.51.{r.Next(256)}.{r.Next(256)}",
            ["ObjectId"] = file,
            ["UserId"] = user,
            ["CorrelationId"] = Guid(r),
            ["EventSource"] = "SharePoint",
            ["ItemType"] = "File",
            ["SiteUrl"] = "https://contoso-my.sharepoint.com/personal/",
            ["SourceFileName"] = file.Substring(file.LastIndexOf('/') + 1),
            ["UserAgent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
            ["EventData"] = share ? "<Type>View</Type>" : "",
        });
        text.Append(Time(record)).Append(',').Append(user).Append(',').Append(op).Append(",\"").Append(audit.Replace("\"", "\"\"")).Append("\"\r\n");
        return share ? 1 : 0;
    }

    private static int Gcp(Random r, int record, StringBuilder text, bool share)
    {
        string method = share ? "v1.compute.snapshots.setIamPolicy" : GcpBackground[r.Next(GcpBackground.Length)];
        var payload = new Dictionary<string, object>
        {
            ["@type"] = "type.googleapis.com/google.cloud.audit.AuditLog",
            ["authenticationInfo"] = new Dictionary<string, string> { ["principalEmail"] = "user" + r.Next(300) + "@contoso.com" },
            ["requestMetadata"] = new Dictionary<string, string> { ["callerIp"] = $"198.51.{r.Next(256)}.{r.Next(256)}", ["callerSuppliedUserAgent"] = "google-cloud-sdk gcloud/497.0.0" },
            ["serviceName"] = share ? "compute.googleapis.com" : method.Split('.')[0] + ".googleapis.com",
            ["methodName"] = method,
            ["resourceName"] = $"projects/contoso-prod/global/{(share ? "snapshots" : "instances")}/res-{r.Next(5000)}",
        };
        if (share)
        {
            payload["serviceData"] = new Dictionary<string, object>
            {
                ["@type"] = "type.googleapis.com/google.iam.v1.logging.AuditData",
                ["policyDelta"] = new Dictionary<string, object> { ["bindingDeltas"] = new[] { new Dictionary<string, string> { ["action"] = "ADD", ["role"] = "roles/compute.storageAdmin", ["member"] = "user:drop" + r.Next(100) + "@gmail.com" } } },
            };
        }
        text.Append(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["protoPayload"] = payload,
            ["insertId"] = Guid(r).Substring(0, 12),
            ["resource"] = new Dictionary<string, object> { ["type"] = share ? "gce_snapshot" : "gce_instance", ["labels"] = new Dictionary<string, string> { ["project_id"] = "contoso-prod" } },
            ["timestamp"] = Time(record),
            ["severity"] = "NOTICE",
            ["logName"] = "projects/contoso-prod/logs/cloudaudit.googleapis.com%2Factivity",
            ["receiveTimestamp"] = Time(record),
        })).Append('\n');
        return share ? 1 : 0;
    }
}
