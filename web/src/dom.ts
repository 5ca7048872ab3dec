type Attributes = Readonly<Record<string, string | boolean>>;

/** Creates an element with attributes (a `false` one is left out) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children);
  return element;
}

/** A labelled text input: the label names the control for assistive technology (and for tests). */
export function field(id: string, label: string, attributes: Attributes = {}): { wrapper: HTMLElement; input: HTMLInputElement } {
  const input = el('input', { id, name: id, type: 'text', required: true, ...attributes });
  return { wrapper: el('p', {}, el('label', { for: id }, label), ' ', input), input };
}
