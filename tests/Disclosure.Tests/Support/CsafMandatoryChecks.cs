using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coordination.Advisories;

namespace Disclosure.Tests.Support;

/// <summary>
/// CSAF 2.0 section 6.1 mandatory tests that apply to what we emit:
/// 6.1.1 every referenced product id is defined; 6.1.2 no product id defined twice; 6.1.6 no product both
/// affected and not affected/fixed; 6.1.8/6.1.9 CVSS v3 scores agree with their vectors (and the version);
/// 6.1.14 revision history sorted; 6.1.16 the latest revision number is the tracking version; 6.1.18 a released
/// document has no version 0; 6.1.21 no missing revision numbers; 6.1.22 no number twice; 6.1.27.x the
/// profile's required parts (6.1.27.5: every vulnerability has notes); plus TLP agreeing with the status (WHITE final,
/// AMBER interim) and the recommended 6.2.11: a self reference, https, ending in the file name of section 5.1.
/// </summary>
public static class CsafMandatoryChecks
{
    public static IReadOnlyList<string> Run(JsonNode doc)
    {
        var problems = new List<string>();
        var defined = new List<string>();
        Collect(doc["product_tree"]?["branches"] as JsonArray, defined);
        foreach (var dup in defined.GroupBy(d => d).Where(g => g.Count() > 1))
            problems.Add($"6.1.2 product id {dup.Key} defined more than once");

        var vulns = doc["vulnerabilities"] as JsonArray ?? [];
        foreach (var (v, i) in vulns.Select((v, i) => (v!, i)))
        {
            var status = v["product_status"] as JsonObject ?? [];
            foreach (var (group, ids) in status)
                foreach (var id in Strings(ids))
                    if (!defined.Contains(id)) problems.Add($"6.1.1 vulnerabilities[{i}].product_status.{group}: {id} is not defined");
            var affected = new[] { "first_affected", "known_affected", "last_affected" }.SelectMany(g => Strings(status[g])).ToHashSet();
            foreach (var other in new[] { "known_not_affected", "first_fixed", "fixed", "under_investigation" })
                foreach (var id in Strings(status[other]).Where(affected.Contains))
                    problems.Add($"6.1.6 {id} is both affected and {other}");
            foreach (var r in v["remediations"] as JsonArray ?? [])
                foreach (var id in Strings(r!["product_ids"]).Where(id => !defined.Contains(id)))
                    problems.Add($"6.1.1 remediation product {id} is not defined");
            foreach (var s in v["scores"] as JsonArray ?? [])
            {
                foreach (var id in Strings(s!["products"]).Where(id => !defined.Contains(id)))
                    problems.Add($"6.1.1 score product {id} is not defined");
                if (s["cvss_v3"] is { } cvss)
                {
                    var vector = (string)cvss["vectorString"]!;
                    if (!vector.StartsWith("CVSS:" + (string)cvss["version"]! + "/", StringComparison.Ordinal))
                        problems.Add("6.1.9 cvss_v3 version differs from the vector's");
                    else if (Cvss31.IsVector(vector))
                    {
                        var score = Cvss31.BaseScore(vector);
                        if ((decimal)cvss["baseScore"]! != score) problems.Add($"6.1.9 baseScore {cvss["baseScore"]} but the vector computes {score}");
                        if ((string)cvss["baseSeverity"]! != Cvss31.Severity(score)) problems.Add("6.1.9 baseSeverity differs from the vector's");
                    }
                }
            }
        }

        var tracking = doc["document"]!["tracking"]!;
        var numbers = (tracking["revision_history"] as JsonArray ?? []).Select(h => int.Parse((string)h!["number"]!, CultureInfo.InvariantCulture)).ToList();
        if (!numbers.SequenceEqual(numbers.Order())) problems.Add("6.1.14 revision history not sorted");
        if (numbers.Count == 0 || numbers.Max().ToString(CultureInfo.InvariantCulture) != (string)tracking["version"]!)
            problems.Add("6.1.16 tracking.version is not the latest revision number");
        var status2 = (string)tracking["status"]!;
        if (status2 is "final" or "interim" && numbers.Contains(0)) problems.Add("6.1.18 released document with version 0");
        if (numbers.Count > 0 && !numbers.Order().SequenceEqual(Enumerable.Range(numbers.Min() <= 0 ? 0 : 1, numbers.Count)))
            problems.Add("6.1.21 missing revision number");
        if (numbers.Count != numbers.Distinct().Count()) problems.Add("6.1.22 revision number defined twice");

        if ((string?)doc["document"]!["category"] == "csaf_security_advisory")
        {
            if (doc["product_tree"] is null) problems.Add("6.1.27.9 security advisory without product_tree");
            if (vulns.Count == 0) problems.Add("6.1.27.9 security advisory without vulnerabilities");
            if (doc["document"]!["notes"] is not JsonArray { Count: > 0 }) problems.Add("6.1.27.1 document notes missing");
            if (doc["document"]!["references"] is not JsonArray { Count: > 0 }) problems.Add("6.1.27.2 document references missing");
        }
        if ((string?)doc["document"]!["category"] is "csaf_security_advisory" or "csaf_vex")
            foreach (var (v, i) in vulns.Select((v, i) => (v!, i)))
                if (v["notes"] is null) problems.Add($"6.1.27.5 vulnerabilities[{i}] has no notes");

        var label = (string?)doc["document"]!["distribution"]?["tlp"]?["label"];
        if (status2 == "final" && label != "WHITE") problems.Add($"TLP {label} on a final (public) document");
        if (status2 == "interim" && label != "AMBER") problems.Add($"TLP {label} on the embargoed interim preview");
        var fileName = Regex.Replace(((string)tracking["id"]!).ToLowerInvariant(), "[^+\\-a-z0-9]+", "_") + ".json";
        if (!(doc["document"]!["references"] as JsonArray ?? []).Any(r => (string?)r!["category"] == "self"
                && (string?)r["url"] is { } url && url.StartsWith("https://", StringComparison.Ordinal) && url.EndsWith("/" + fileName, StringComparison.Ordinal)))
            problems.Add($"6.2.11 no self reference to an https URL ending in /{fileName}");
        return problems;
    }

    private static void Collect(JsonArray? branches, List<string> ids)
    {
        foreach (var b in branches ?? [])
        {
            if (b!["product"]?["product_id"] is { } id) ids.Add((string)id!);
            Collect(b["branches"] as JsonArray, ids);
        }
    }

    private static IEnumerable<string> Strings(JsonNode? node) => (node as JsonArray ?? []).Select(n => (string)n!);
}
