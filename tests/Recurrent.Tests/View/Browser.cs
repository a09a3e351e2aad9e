using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Recurrent.Tests.View;

/// <summary>
/// Headless Chromium from the system (Debian's <c>chromium</c> and <c>chromium-driver</c>; RECURRENT_CHROMIUM and
/// RECURRENT_CHROMEDRIVER name other files), driven by Selenium WebDriver. A test calls <see cref="Start"/> first: where
/// the browser or its driver is missing it is skipped with the reason, never passed. Screenshots go to the test output's
/// <c>view-screenshots</c> folder, and to RECURRENT_VIEW_SCREENSHOTS when that is set.
/// </summary>
internal sealed class Browser : IDisposable
{
    private static readonly string ChromiumPath = Environment.GetEnvironmentVariable("RECURRENT_CHROMIUM") ?? "/usr/bin/chromium";
    private static readonly string DriverPath = Environment.GetEnvironmentVariable("RECURRENT_CHROMEDRIVER") ?? "/usr/bin/chromedriver";

    private Browser(ChromeDriver driver) => Driver = driver;

    public ChromeDriver Driver { get; }

    public static Browser Start()
    {
        Skip.IfNot(File.Exists(ChromiumPath), $"no Chromium at {ChromiumPath} (apt-get install chromium chromium-driver, or set RECURRENT_CHROMIUM): the browser tests of the web view did not run");
        Skip.IfNot(File.Exists(DriverPath), $"no chromedriver at {DriverPath} (apt-get install chromium-driver, or set RECURRENT_CHROMEDRIVER): the browser tests of the web view did not run");
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000", "--force-device-scale-factor=1", "--no-first-run");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        return new Browser(new ChromeDriver(service, options, TimeSpan.FromSeconds(60)));
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public void Until(Func<bool> condition, string what, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            try
            {
                if (condition()) return;
            }
            catch (WebDriverException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                Screenshot("failed-" + string.Concat(what.Where(char.IsLetterOrDigit)));
                Assert.Fail($"timed out after {seconds} s waiting for {what}; banner: '{Text("banner")}'");
            }
            Thread.Sleep(100);
        }
    }

    public IWebElement ById(string id) => Driver.FindElement(By.Id(id));

    public string Text(string id)
    {
        try
        {
            return ById(id).Text;
        }
        catch (WebDriverException)
        {
            return "";
        }
    }

    public string? Data(string id, string name) => ById(id).GetDomAttribute("data-" + name);

    public int DataInt(string id, string name) => int.TryParse(Data(id, name), out int n) ? n : -1;

    /// <summary>Sets a text box's value as typing would (input events fire).</summary>
    public void Type(string id, string text)
    {
        var box = ById(id);
        box.Clear();
        box.SendKeys(text);
    }

    /// <summary>Chooses <paramref name="value"/> in a select box, as a user would (a change event fires).</summary>
    public void Select(string id, string value) =>
        Driver.ExecuteScript("const s = document.getElementById(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change'));", id, value);

    public void Screenshot(string name)
    {
        var shot = Driver.GetScreenshot();
        foreach (string? dir in new[] { Path.Combine(AppContext.BaseDirectory, "view-screenshots"), Environment.GetEnvironmentVariable("RECURRENT_VIEW_SCREENSHOTS") })
        {
            if (string.IsNullOrEmpty(dir)) continue;
            Directory.CreateDirectory(dir);
            shot.SaveAsFile(Path.Combine(dir, name + ".png"));
        }
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}
