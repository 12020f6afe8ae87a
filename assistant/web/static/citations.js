() => {
  if (window.__policyCitations) return;
  window.__policyCitations = true;
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href^="#passage-"]');
    if (!link) return;
    const card = document.getElementById(link.getAttribute('href').slice(1));
    if (!card) return;
    event.preventDefault();
    event.stopPropagation();
    const turn = card.closest('details');
    if (turn) turn.open = true;
    document.querySelectorAll('#sources .passage.active').forEach((el) => el.classList.remove('active'));
    card.classList.add('active');
    card.scrollIntoView({behavior: 'smooth', block: 'center'});
    const request = document.querySelector('#preview-request textarea, #preview-request input');
    if (request) {  // asks the server for the page preview of this passage (issue 17)
      request.value = link.getAttribute('href').slice(1) + '#' + Date.now();
      request.dispatchEvent(new Event('input', {bubbles: true}));
    }
  }, true);
}
