// The job page: follow the job's progress by server-sent events (one event every half second).
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("tien-do");
  if (!box || !box.dataset.events || !window.EventSource) return;
  var source = new EventSource(box.dataset.events);
  source.onmessage = function (event) {
    var v = JSON.parse(event.data);
    document.getElementById("trang-thai").textContent = v.label;
    document.getElementById("so-luong").textContent = v.done + "/" + v.total;
    document.getElementById("con-lai").textContent = v.left;
    document.getElementById("thanh").value = v.percent;
    var list = document.getElementById("canh-bao");
    list.innerHTML = "";
    v.warnings.forEach(function (w) { var li = document.createElement("li"); li.textContent = w; list.appendChild(li); });
    if (v.error) { var e = document.getElementById("loi"); e.textContent = v.error; e.hidden = false; }
    if (v.link) {
      var link = document.getElementById("lo");
      link.href = v.link; link.textContent = v.link_text;
      document.getElementById("xong").hidden = false;
    }
    if (v.status === "done" || v.status === "failed") { box.dataset.finished = v.status; source.close(); }
  };
});
