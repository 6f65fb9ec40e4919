import { expect } from 'chai';
import { inferCategory, type Category } from '../../src/domain/hardware/category.js';

describe('Inferring the hardware category from model and OS', () => {
  const table: Array<[string | null, string | null, Category]> = [
    ['MacBook Air (M1, 2020)', 'macOS', 'laptop'],
    ['MacBook Pro (16-inch, 2023)', 'macOS', 'laptop'],
    ['iMac (24-inch, M3, 2023)', 'macOS', 'desktop'],
    ['Mac mini (M2, 2023)', 'macOS', 'desktop'],
    ['Mac Studio (2023)', 'macOS', 'desktop'],
    ['iPhone 15 Pro', 'iOS', 'phone'],
    ['iPad 7th Generation (Wi-Fi)', 'iOS', 'tablet'],
    ['iPad Pro (12.9-inch) (6th generation)', 'iPadOS', 'tablet'],
    ['Apple TV 4K (3rd generation)', 'tvOS', 'tv'],
    ['Latitude 7440', 'Windows', 'laptop'],
    ['XPS 13 9315', 'Windows', 'laptop'],
    ['OptiPlex 7010', 'Windows', 'desktop'],
    ['Precision 5570', 'Windows', 'laptop'],
    ['Precision 3660 Tower', 'Windows', 'desktop'],
    ['HP EliteBook 840 G10 Notebook PC', 'Windows', 'laptop'],
    ['HP ProBook 450 G9', 'Windows', 'laptop'],
    ['HP EliteDesk 800 G6 Desktop Mini PC', 'Windows', 'desktop'],
    ['HP Z2 Tower G9 Workstation Desktop PC', 'Windows', 'desktop'],
    ['ThinkPad X1 Carbon Gen 11', 'Windows', 'laptop'],
    ['ThinkCentre M70q Gen 3', 'Windows', 'desktop'],
    ['Surface Laptop 5', 'Windows', 'laptop'],
    ['Surface Pro 9', 'Windows', 'laptop'],
    ['Surface Studio 2+', 'Windows', 'desktop'],
    ['SM-S918B', 'Android', 'phone'],
    ['SM-X710', 'Android', 'tablet'],
    ['Galaxy Tab S9', 'Android', 'tablet'],
    ['Pixel 8 Pro', 'Android', 'phone'],
    ['Pixel Tablet', 'Android', 'tablet'],
    ['HoloLens 2', 'Windows', 'headset'],
    ['Quest 3', 'Android', 'headset'],
    ['Meta Quest Pro', 'Android', 'headset'],
    ['Oculus Quest', 'Android', 'headset'],
    ['RealWear Navigator 520', 'Android', 'headset'],
    ['Apple Vision Pro', 'visionOS', 'headset'],
    ['PowerEdge R750', 'Windows', 'server'],
    ['Unknown model', 'iOS', 'phone'],
    [null, 'iPadOS', 'tablet'],
    ['Widget 3000', 'Windows', 'other'],
    [null, null, 'other'],
  ];
  for (const [model, os, category] of table) {
    it(`${model ?? '(no model)'} on ${os ?? '(no OS)'} → ${category}`, () => {
      expect(inferCategory(model, os)).to.equal(category);
    });
  }
});
