using System.Security.Cryptography;
using System.Text;
using TransferDetect.Engine.Integrity;
using Xunit;

namespace TransferDetect.Tests.Integrity;

public sealed class CloudTrailPublicKeyTests
{
    // A CloudTrail public key and its fingerprint as `aws cloudtrail list-public-keys` prints them, from the
    // AWS CLI's published example (aws/aws-cli, awscli/examples/cloudtrail/list-public-keys.rst, Apache-2.0).
    // A public key is public; it pins that the fingerprint is the hex MD5 of the DER PKCS#1 bytes.
    private const string AwsExampleKey =
        "MIIBCgKCAQEAlSS3cl92HDycr/MTj0moOhas8habjrraXw+KzlWF0axSI2tcF+3iJ9BKQAVSKxGwxwu3m0wG3J+kUl1xboEcEPHYoIYMbgfSw7KGnuDKwkLzsQWhUJ0cIbOHASox1vv/5fNXkrHhGbDCHeVXm804c83nvHUEFYThr1PfyP/8HwrCtR3FX5OANtQCP61C1nJtSSkC8JSQUOrIP4CuwJjc+4WGDk+BGH5m9iuiAKkipEHWmUl8/P7XpfpWQuk4h8g3pXZOrNXr08lbh4d39svj7UqdhvOXoBISp9t/EXYuePGEtBdrKD9Dz+VHwyUPtBQvYr9BnkF88qBnaPNhS44rzwIDAQAB";
    private const string AwsExampleFingerprint = "7f3f401420072e50a65a141430817ab3";

    [Fact]
    public void Fingerprint_is_the_md5_of_the_der_key_as_in_the_list_public_keys_example()
    {
        var key = CloudTrailPublicKey.FromDer(Convert.FromBase64String(AwsExampleKey));
        Assert.Equal(AwsExampleFingerprint, key.Fingerprint);
        Assert.Equal(2048, key.KeySize);
    }

    [Fact]
    public void List_public_keys_output_is_read_with_its_fingerprints()
    {
        string file = Path.Combine(RepoPaths.NewTempDirectory(), "keys.json");
        File.WriteAllText(file, $$"""
            {
                "PublicKeyList": [
                    { "ValidityStartTime": 1453076702.0, "ValidityEndTime": 1455668702.0,
                      "Value": "{{AwsExampleKey}}", "Fingerprint": "{{AwsExampleFingerprint}}" }
                ]
            }
            """);
        var key = Assert.Single(CloudTrailPublicKey.Load(file));
        Assert.Equal(AwsExampleFingerprint, key.Fingerprint);
        Assert.Equal(file, key.Source);
    }

    [Fact]
    public void Der_pem_and_base64_files_give_the_same_key_as_the_platform_parser()
    {
        using var rsa = RSA.Create(3072);
        byte[] pkcs1 = rsa.ExportRSAPublicKey();
        string expected = Convert.ToHexStringLower(MD5.HashData(pkcs1));
        string dir = RepoPaths.NewTempDirectory();
        var files = new Dictionary<string, byte[]>
        {
            ["key.der"] = pkcs1,
            ["spki.der"] = rsa.ExportSubjectPublicKeyInfo(),
            ["key.pem"] = Encoding.ASCII.GetBytes(rsa.ExportRSAPublicKeyPem()),
            ["spki.pem"] = Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem()),
            ["key.b64"] = Encoding.ASCII.GetBytes(Convert.ToBase64String(pkcs1) + "\n"),
        };
        byte[] data = Encoding.UTF8.GetBytes("2026-11-02T09:01:31Z\nbucket/key\nabc\nnull");
        byte[] signature = rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        foreach (var (name, bytes) in files)
        {
            string path = Path.Combine(dir, name);
            File.WriteAllBytes(path, bytes);
            var key = Assert.Single(CloudTrailPublicKey.Load(path));
            Assert.Equal(expected, key.Fingerprint);
            Assert.Equal(pkcs1, key.ToPkcs1Der());
            Assert.Equal(3072, key.KeySize);
            Assert.True(key.Verify(data, signature), name);
            data[0] ^= 1;
            Assert.False(key.Verify(data, signature), name);
            data[0] ^= 1;
        }
    }

    [Fact]
    public void Pss_or_sha1_signatures_do_not_verify_as_SHA256withRSA()
    {
        using var rsa = RSA.Create(2048);
        var key = CloudTrailPublicKey.FromDer(rsa.ExportRSAPublicKey());
        byte[] data = Encoding.UTF8.GetBytes("x");
        Assert.False(key.Verify(data, rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)));
        Assert.False(key.Verify(data, rsa.SignData(data, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1)));
        Assert.False(key.Verify(data, new byte[10]));
    }

    [Theory]
    [InlineData("not a key at all")]
    [InlineData("{\"Keys\":[]}")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")]
    [InlineData("MAYCAQECAQE=")] // SEQUENCE { 1, 1 }: a 8-bit modulus is no signing key
    [InlineData("MIIBCgKCAQEAlSS3")] // cut short
    public void Files_without_a_usable_key_are_refused_with_the_file_named(string content)
    {
        string path = Path.Combine(RepoPaths.NewTempDirectory(), "bad.key");
        File.WriteAllText(path, content);
        var e = Assert.Throws<InvalidDataException>(() => CloudTrailPublicKey.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Data_signing_string_is_end_time_bucket_and_key_digest_hash_and_previous_signature_on_lines()
    {
        Assert.Equal("2015-08-17T15:01:31Z\namzn-s3-demo-bucket/AWSLogs/111122223333/CloudTrail-Digest/x.json.gz\nab12\nnull",
            Encoding.UTF8.GetString(CloudTrailDigestValidator.DataToSign("2015-08-17T15:01:31Z", "amzn-s3-demo-bucket",
                "AWSLogs/111122223333/CloudTrail-Digest/x.json.gz", "ab12", null)));
        Assert.EndsWith("\nab12\nfe01", Encoding.UTF8.GetString(CloudTrailDigestValidator.DataToSign("t", "b", "k", "ab12", "fe01")));
    }

    [Theory]
    [InlineData("111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json.gz", "us-east-2", "your-trail-name", "us-east-2", false)]
    [InlineData("111122223333_CloudTrail-Digest_eu-west-1_org_trail_v2_us-east-1_20261102T090131Z.json.gz", "eu-west-1", "org_trail_v2", "us-east-1", false)]
    [InlineData("111122223333_CloudTrail-Digest_us-gov-west-1_t_us-gov-west-1_20261102T090131Z_backfill.json.gz", "us-gov-west-1", "t", "us-gov-west-1", true)]
    public void Digest_file_names_give_region_trail_home_region_and_end_time(string name, string region, string trail, string home, bool backfill)
    {
        var n = DigestFileName.TryParse(name)!;
        Assert.Equal((region, trail, home, backfill), (n.Region, n.Trail, n.HomeRegion, n.IsBackfill));
        Assert.Equal(DateTimeKind.Utc, n.EndTime.Kind);
        Assert.Null(DigestFileName.TryParse("111122223333_CloudTrail_us-east-1_20261102T0905Z_abc.json.gz"));
    }
}
