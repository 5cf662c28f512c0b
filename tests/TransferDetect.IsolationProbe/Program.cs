using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.Loader;

// Usage: TransferDetect.IsolationProbe <manifest> <subscriptionId> <armEndpoint>
// (the managed-identity endpoint comes from IDENTITY_ENDPOINT / IDENTITY_HEADER, as in Azure Automation).
// Prints one line per fact: PRELOADED, EVENT, ERROR, TERMINATING, LOADED; exits 0 when the cmdlet ran without error.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: TransferDetect.IsolationProbe <manifest> <subscriptionId> <armEndpoint>");
    return 2;
}

// What another module would have loaded first: an older Azure.Core and its older System.Memory.Data, used.
var token = new Azure.Core.AccessToken("preloaded", DateTimeOffset.UtcNow);
var data = BinaryData.FromString(token.Token);
foreach (var a in new[] { typeof(Azure.Core.AccessToken).Assembly, data.GetType().Assembly, typeof(System.Text.Json.JsonSerializer).Assembly })
    Console.WriteLine($"PRELOADED {a.GetName().Name} {a.GetName().Version} in {AssemblyLoadContext.GetLoadContext(a)?.Name}");

int failures = 0;
try
{
    using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
    runspace.Open();
    using var ps = PowerShell.Create();
    ps.Runspace = runspace;
    ps.AddScript("""
        Import-Module $args[0] -ErrorAction Stop
        Get-ShareEvent -Live -Provider Azure -SubscriptionId $args[1] -ArmEndpoint $args[2] -StartTime ([datetime]::UtcNow.AddDays(-120)) -WarningAction SilentlyContinue |
            ForEach-Object { 'EVENT ' + $_.Operation + '|' + $_.Action + '|' + $_.Grantee }
        """);
    ps.AddArgument(Path.GetFullPath(args[0])).AddArgument(args[1]).AddArgument(args[2]);
    foreach (var o in ps.Invoke()) Console.WriteLine(o);
    foreach (var e in ps.Streams.Error)
    {
        failures++;
        Console.WriteLine($"ERROR {e.FullyQualifiedErrorId}: {Describe(e.Exception)}");
        if (Environment.GetEnvironmentVariable("TRANSFERDETECT_PROBE_STACK") == "1") Console.WriteLine(e.Exception);
    }
}
catch (Exception e)
{
    failures++;
    Console.WriteLine($"TERMINATING {Describe(e)}");
}

foreach (var context in AssemblyLoadContext.All)
    foreach (var a in context.Assemblies)
    {
        string? name = a.GetName().Name;
        if (name is "Azure.Core" or "System.Memory.Data" or "System.Text.Json" or "TransferDetect" or "TransferDetect.Engine")
            Console.WriteLine($"LOADED {name} {a.GetName().Version} in {context.Name}");
    }
return failures == 0 ? 0 : 1;

static string Describe(Exception e)
{
    var parts = new List<string>();
    for (Exception? x = e; x != null; x = x.InnerException)
        parts.Add($"{x.GetType().FullName} (0x{x.HResult:X8}): {x.Message.ReplaceLineEndings(" ")}");
    return string.Join(" ---> ", parts);
}
