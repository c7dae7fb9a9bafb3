// 年度考核 grid: the live 优秀 counter ("优秀 3/4，剩余 1 名"). It counts the grade selects set to
// 优秀, read-only 优秀 rows and the sheet's 优秀 outside the viewer's scope (data-hidden); the
// server checks the quota again on submission, which is authoritative.
(function () {
  function update() {
    const el = document.getElementById("quota-counter");
    if (!el) return;
    const quota = Number(el.dataset.quota);
    const fixed = document.querySelectorAll("[data-fixed-excellent]").length;
    const chosen = [...document.querySelectorAll("select.dd-annual-grade")]
      .filter((s) => s.value === "excellent").length;
    const used = Number(el.dataset.hidden) + fixed + chosen;
    const over = used > quota;
    el.textContent = over
      ? `优秀 ${used}/${quota}，超出 ${used - quota} 名`
      : `优秀 ${used}/${quota}，剩余 ${quota - used} 名`;
    el.classList.toggle("bg-red-lt", over);
    el.classList.toggle("bg-green-lt", !over);
  }
  document.addEventListener("change", (event) => {
    if (event.target.matches("select.dd-annual-grade")) update();
  });
  document.addEventListener("DOMContentLoaded", update);
})();
